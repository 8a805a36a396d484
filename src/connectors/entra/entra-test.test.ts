import { describe, expect, it } from "vitest";
import { EntraStandin } from "../../../test/support/entra-standin.js";
import { readSignal, standinForSuite } from "../../../test/support/standin-suite.js";
import { entraKind } from "./entra-kind.js";

const signal = () => readSignal(20_000);

describe("the entra id test action against the Entra stand-in", () => {
  const entra = standinForSuite(new EntraStandin(), (tenant) => {
    const ada = tenant.addUser({ userPrincipalName: "ada@contoso.test" });
    tenant.addGroup("Engineering", [ada.id]);
  });
  const test = (extra: Record<string, unknown> = {}) =>
    entraKind.test?.({ ...entra.connector, ...extra }, { signal: signal() }) ??
    Promise.reject(new Error("no test action"));

  it("reports the token and each permission a run needs, all granted", async () => {
    entra.roles.add("GroupMember.Read.All");
    const checks = await test({ group_filter: ["Engineering"] });
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["client credentials", true],
      ["User.Read.All", true],
      ["Group.Read.All", true],
      ["GroupMember.Read.All", true],
      ["group_filter", true],
    ]);
    entra.roles.delete("GroupMember.Read.All");
  });

  it("names the permission Graph refuses, with Graph's words and what the token carries", async () => {
    entra.roles.clear();
    entra.roles.add("User.Read.All");
    try {
      const checks = await test();
      expect(checks.map((c) => [c.name, c.ok])).toEqual([
        ["client credentials", true],
        ["User.Read.All", true],
        ["Group.Read.All", false],
        ["GroupMember.Read.All", true],
      ]);
      expect(checks[2]?.message).toMatch(
        /^Group\.Read\.All not granted \(nor Directory\.Read\.All\): Graph answered 403 Authorization_RequestDenied: Insufficient privileges to complete the operation\. The token carries User\.Read\.All\./,
      );
      expect(checks[3]?.message).toContain("not checked");
    } finally {
      entra.roles.add("Group.Read.All");
    }
  });

  it("Directory.Read.All alone covers every read", async () => {
    entra.roles.clear();
    entra.roles.add("Directory.Read.All");
    try {
      expect((await test()).every((c) => c.ok)).toBe(true);
    } finally {
      entra.roles.clear();
      entra.roles.add("User.Read.All");
      entra.roles.add("Group.Read.All");
    }
  });

  it("a refused secret fails the first check with Entra's message, never the secret; the rest are not checked", async () => {
    const checks = await test({ client_secret: "not-the-secret~x" });
    expect(checks[0]).toMatchObject({
      name: "client credentials",
      ok: false,
      message: expect.stringContaining("AADSTS7000215"),
    });
    expect(checks.slice(1).every((c) => !c.ok && c.message.includes("not checked"))).toBe(true);
    expect(JSON.stringify(checks)).not.toContain("not-the-secret~x");
  });

  it("an unknown tenant is named as Entra names it", async () => {
    const checks = await test({ token_url: entra.tokenUrl.replace(entra.tenantId, "unknown-tenant.test") });
    expect(checks[0]?.message).toContain("AADSTS90002: Tenant 'unknown-tenant.test' not found");
  });
});
