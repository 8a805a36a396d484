import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SlapdServer, slapdConnector, startSlapd } from "../../../test/support/slapd.js";
import type { ConnectorSource } from "../source.js";
import { parseLdapConfig } from "./ldap-config.js";
import { createLdapSource } from "./ldap-source.js";

let server: SlapdServer;
const opened: ConnectorSource[] = [];

function source(overrides: Record<string, unknown>): ConnectorSource {
  const parsed = parseLdapConfig(slapdConnector(server, overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const created = createLdapSource(parsed.value);
  opened.push(created);
  return created;
}

async function usernames(s: ConnectorSource): Promise<string[]> {
  const names: string[] = [];
  for await (const item of s.users({ signal: AbortSignal.timeout(20_000) }))
    if (item.kind === "record") names.push(item.record.username);
  return names.sort();
}

beforeAll(async () => {
  // a fresh self-signed certificate for 127.0.0.1, served on ldaps:// and through StartTLS
  server = await startSlapd({ directory: { users: 3, groups: 0, membersPerGroup: 0 }, tls: true });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.stop();
});

describe("LDAP source: TLS", () => {
  it("reads over ldaps:// trusting the configured CA", async () => {
    expect(await usernames(source({ url: server.ldapsUrl, tls: { ca: server.caPem } }))).toEqual([
      "user0",
      "user1",
      "user2",
    ]);
  });

  it("upgrades ldap:// with StartTLS before binding", async () => {
    expect(await usernames(source({ tls: { starttls: true, ca: server.caPem } }))).toEqual(["user0", "user1", "user2"]);
  });

  it("refuses a certificate it cannot verify, as a configuration problem", async () => {
    const error = await source({ url: server.ldapsUrl })
      .check(AbortSignal.timeout(20_000))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "SourceError",
      reason: "misconfigured",
      message: expect.stringContaining("tls.ca"),
    });
    const viaStartTls = await source({ tls: { starttls: true } })
      .check(AbortSignal.timeout(20_000))
      .catch((e: unknown) => e);
    expect(viaStartTls).toMatchObject({ name: "SourceError", reason: "misconfigured" });
  });

  it("accepts any certificate only when reject_unauthorized is false", async () => {
    await expect(
      source({ url: server.ldapsUrl, tls: { reject_unauthorized: false } }).check(AbortSignal.timeout(20_000)),
    ).resolves.toBeUndefined();
  });
});
