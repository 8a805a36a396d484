/**
 * `POST /directories/{id}/connector/test` against the real things on loopback: the Okta stand-in,
 * this server's own SCIM base as a `scim pull` upstream, and slapd. Nothing is written by a test.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { type OktaStandin, startOktaStandin } from "../../test/support/okta-standin.js";
import { createScimDirectory } from "../../test/support/scim-client.js";
import { type SlapdServer, slapdConnector, startSlapd } from "../../test/support/slapd.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { closedPort } from "../connectors/scim-pull/upstream-test-support.js";

const admin = bearer(ADMIN_KEY);

interface Check {
  name: string;
  ok: boolean;
  message: string;
}

describe.each(DIALECTS)("testing a pull directory's connector on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let orgKey: string;
  let okta: OktaStandin;
  let slapd: SlapdServer;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "connector-test-routes-key-0123456789" });
    ({ orgId, key: orgKey } = await createOrgWithKey(t.app, "Acme"));
    okta = await startOktaStandin();
    okta.addUser({ login: "ada@acme.test" });
    okta.addGroup("Eng", []);
    slapd = await startSlapd();
    await t.app.listen({ port: 0, host: "127.0.0.1" });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  }, 30_000);
  afterAll(async () => {
    await t?.close();
    await okta?.close();
    await slapd?.stop();
  });

  async function pullDirectory(type: string, connector: Record<string, unknown>): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: type, type, connector },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function test(id: string, key = ADMIN_KEY) {
    return t.app.inject({ method: "POST", url: `/directories/${id}/connector/test`, headers: bearer(key) });
  }

  async function checks(id: string): Promise<{ ok: boolean; checks: Check[] }> {
    const res = await test(id);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  const summary = (result: { checks: Check[] }) => result.checks.map((c) => `${c.name}: ${c.ok ? "ok" : "failed"}`);

  it("passes every check of an okta api directory whose token may read users and groups", async () => {
    const id = await pullDirectory("okta api", { org_url: okta.orgUrl, token: okta.token });
    const result = await checks(id);
    expect(result.ok).toBe(true);
    expect(summary(result)).toEqual([
      "org_url reachable: ok",
      "API token accepted: ok",
      "okta.users.read: ok",
      "okta.groups.read: ok",
    ]);
    expect(
      okta.requests.filter((r) => r.startsWith("GET /api/v1/users") || r.startsWith("GET /api/v1/groups")),
    ).toEqual(["GET /api/v1/users?limit=1", "GET /api/v1/groups?limit=1"]);
  });

  it("fails the token check with Okta's errorSummary, never naming the token, and changes nothing", async () => {
    const token = "00wrong-token-never-shown-abcdef";
    const id = await pullDirectory("okta api", { org_url: okta.orgUrl, token });
    const res = await test(id);
    expect(res.body).not.toContain(token);
    const result = res.json() as { ok: boolean; checks: Check[] };
    expect(result.ok).toBe(false);
    expect(summary(result)).toEqual([
      "org_url reachable: ok",
      "API token accepted: failed",
      "okta.users.read: failed",
      "okta.groups.read: failed",
    ]);
    expect(result.checks[1]?.message).toContain("Invalid token provided");
    expect(result.checks[2]?.message).toMatch(/^not checked/);
    const dir = (await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: admin })).json();
    expect(dir.state).not.toBe("invalid_credentials");
  });

  it("fails only the permission Okta refuses with 403", async () => {
    const id = await pullDirectory("okta api", { org_url: okta.orgUrl, token: okta.token });
    okta.forbidden = /^\/api\/v1\/groups/;
    try {
      const result = await checks(id);
      expect(result.ok).toBe(false);
      expect(summary(result)).toEqual([
        "org_url reachable: ok",
        "API token accepted: ok",
        "okta.users.read: ok",
        "okta.groups.read: failed",
      ]);
      expect(result.checks[3]?.message).toContain("You do not have permission to perform the requested action");
    } finally {
      okta.forbidden = null;
    }
  });

  it("fails the reach check of an org nothing listens at", async () => {
    const id = await pullDirectory("okta api", {
      org_url: `http://127.0.0.1:${await closedPort()}`,
      token: okta.token,
    });
    const result = await checks(id);
    expect(summary(result)).toEqual([
      "org_url reachable: failed",
      "API token accepted: failed",
      "okta.users.read: failed",
      "okta.groups.read: failed",
    ]);
    expect(result.checks[0]?.message).toContain("refused");
  });

  it("checks a scim pull upstream: reached, token accepted, Users and Groups readable; a wrong token fails", async () => {
    const upstream = await createScimDirectory(t.app);
    const good = await pullDirectory("scim pull", { base_url: `${baseUrl}${upstream.base}`, token: upstream.token });
    const result = await checks(good);
    expect(result.ok).toBe(true);
    expect(summary(result)).toEqual([
      "base_url reachable: ok",
      "token accepted: ok",
      "Users readable: ok",
      "Groups readable: ok",
    ]);
    const bad = await pullDirectory("scim pull", {
      base_url: `${baseUrl}${upstream.base}`,
      token: "scim-wrong-token-0123456789",
    });
    const refused = await checks(bad);
    expect(summary(refused)).toEqual([
      "base_url reachable: ok",
      "token accepted: failed",
      "Users readable: failed",
      "Groups readable: failed",
    ]);
    expect(JSON.stringify(refused)).not.toContain("scim-wrong-token");
    const wrongBase = await pullDirectory("scim pull", { base_url: `${baseUrl}/nowhere/v2`, token: upstream.token });
    expect((await checks(wrongBase)).checks[0]).toMatchObject({ ok: false, message: expect.stringContaining("404") });
  });

  it("checks an ldap directory: bind, then the search base; a wrong password fails the bind", async () => {
    const good = await pullDirectory("ldap", slapdConnector(slapd));
    expect(summary(await checks(good))).toEqual([
      "server reachable: ok",
      "bind as bind_dn: ok",
      "base_dn readable: ok",
    ]);
    const wrong = await pullDirectory("ldap", slapdConnector(slapd, { password: "not-the-password" }));
    const refused = await checks(wrong);
    expect(summary(refused)).toEqual(["server reachable: ok", "bind as bind_dn: failed", "base_dn readable: failed"]);
    expect(JSON.stringify(refused)).not.toContain("not-the-password");
    const missingBase = await pullDirectory("ldap", slapdConnector(slapd, { base_dn: "ou=nowhere,dc=example,dc=com" }));
    expect((await checks(missingBase)).checks[2]).toMatchObject({
      ok: false,
      message: expect.stringContaining("base_dn"),
    });
  });

  it("answers 422 for a type without a test, 409 for an ingest directory, 404 to another organization", async () => {
    const csv = await pullDirectory("csv", {});
    const unsupported = await test(csv);
    expect(unsupported.statusCode).toBe(422);
    expect(unsupported.json().code).toBe("connector_test_unsupported");
    const scim = await createScimDirectory(t.app);
    const ingest = await test(scim.id);
    expect(ingest.statusCode).toBe(409);
    expect(ingest.json().code).toBe("not_a_pull_directory");
    const other = await createOrgWithKey(t.app, "Globex");
    expect((await test(csv, other.key)).statusCode).toBe(404);
    expect((await test(csv, orgKey)).statusCode).toBe(422);
  });
});
