import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { ensureAdminKey } from "../auth/admin-key.js";
import { hashSecret } from "../auth/secrets.js";
import { CONSOLE_SESSION_TTL_MS } from "./console-sessions.js";

interface SignedIn {
  readonly cookie: string;
  readonly csrf: string;
  readonly setCookie: string;
}

describe.each(DIALECTS)("console sessions on %s", (dialect) => {
  let t: TestApp;
  let acme: { orgId: string; key: string; keyId: string };
  let globex: { orgId: string; key: string; keyId: string };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createOrgWithKey(t.app, "Acme");
    globex = await createOrgWithKey(t.app, "Globex");
  });
  afterAll(async () => t?.close());

  async function signIn(key: string): Promise<SignedIn> {
    const res = await t.app.inject({ method: "POST", url: "/console/session", payload: { key } });
    expect(res.statusCode, res.body).toBe(201);
    const setCookie = String(res.headers["set-cookie"]);
    const token = /roster_console=([^;]+)/.exec(setCookie)?.[1] ?? "";
    return { cookie: `roster_console=${token}`, csrf: res.json().csrf_token as string, setCookie };
  }
  const call = (
    s: SignedIn,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    url: string,
    options: { csrf?: string | null; payload?: unknown } = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { cookie: s.cookie, ...(options.csrf === null ? {} : { "x-roster-csrf": options.csrf ?? s.csrf }) },
      ...(options.payload === undefined ? {} : { payload: options.payload as object }),
    });

  it("signs in with the admin key: an HttpOnly, SameSite=Strict cookie for every path, not Secure over http; the row keeps only hashes", async () => {
    const s = await signIn(ADMIN_KEY);
    expect(s.setCookie).toMatch(
      /^roster_console=session_[A-Za-z0-9_-]{43}; Path=\/; Max-Age=28800; HttpOnly; SameSite=Strict$/,
    );
    const token = s.cookie.slice("roster_console=".length);
    const row = await t.storage.db
      .selectFrom("web_sessions")
      .selectAll()
      .where("token_hash", "=", hashSecret(token))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: "console", organization_id: null, key_hash: hashSecret(ADMIN_KEY) });
    const dump = JSON.stringify(await t.storage.db.selectFrom("web_sessions").selectAll().execute());
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(ADMIN_KEY);
    const me = await t.app.inject({ method: "GET", url: "/console/session", headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ principal: "admin", organization: null, csrf_token: s.csrf });
  });

  it("marks the cookie Secure when ROSTER_PUBLIC_URL is https", async () => {
    const https = await createTestApp(dialect, { ROSTER_PUBLIC_URL: "https://roster.example" });
    try {
      const res = await https.app.inject({ method: "POST", url: "/console/session", payload: { key: ADMIN_KEY } });
      expect(String(res.headers["set-cookie"])).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    } finally {
      await https.close();
    }
  });

  it("refuses a key that opens nothing, a revoked key, a sign-in another site posts, and a form body", async () => {
    const bad = await t.app.inject({ method: "POST", url: "/console/session", payload: { key: "sk_not-a-real-key" } });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers["set-cookie"]).toBeUndefined();
    expect(bad.json().message).toContain("not the admin key or a live organization API key");
    const crossSite = await t.app.inject({
      method: "POST",
      url: "/console/session",
      headers: { "sec-fetch-site": "cross-site" },
      payload: { key: ADMIN_KEY },
    });
    expect(crossSite.statusCode).toBe(403);
    const form = await t.app.inject({
      method: "POST",
      url: "/console/session",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `key=${ADMIN_KEY}`,
    });
    expect(form.statusCode).toBe(415);
    const throwaway = await createOrgWithKey(t.app, "Initech");
    await t.app.inject({
      method: "DELETE",
      url: `/organizations/${throwaway.orgId}/api_keys/${throwaway.keyId}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(
      (await t.app.inject({ method: "POST", url: "/console/session", payload: { key: throwaway.key } })).statusCode,
    ).toBe(401);
  });

  it("lends the API the session's key only with the CSRF header: a cookie alone or a wrong token is 401 and writes nothing", async () => {
    const s = await signIn(ADMIN_KEY);
    expect((await call(s, "GET", "/organizations?limit=100")).statusCode).toBe(200);
    expect((await call(s, "GET", "/organizations", { csrf: null })).statusCode).toBe(401);
    expect((await call(s, "GET", "/organizations", { csrf: "a-guess" })).statusCode).toBe(401);
    const other = await signIn(ADMIN_KEY);
    expect((await call(s, "GET", "/organizations", { csrf: other.csrf })).statusCode).toBe(401);
    const forged = await call(s, "POST", "/organizations", { csrf: null, payload: { name: "Forged Org" } });
    expect(forged.statusCode).toBe(401);
    const made = await call(s, "POST", "/organizations", { payload: { name: "Real Org" } });
    expect(made.statusCode).toBe(201);
    const names = (await t.app.inject({ method: "GET", url: "/organizations?limit=100", headers: bearer(ADMIN_KEY) }))
      .json()
      .data.map((o: { name: string }) => o.name);
    expect(names).toContain("Real Org");
    expect(names).not.toContain("Forged Org");
  });

  it("never lets a console cookie open a SCIM base", async () => {
    const s = await signIn(ADMIN_KEY);
    const dir = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(acme.key),
      payload: { name: "Okta", type: "okta scim v2.0" },
    });
    expect((await call(s, "GET", `/scim/v2/${dir.json().id}/Users`)).statusCode).toBe(401);
  });

  it("confines an organization key's session to its organization", async () => {
    const s = await signIn(acme.key);
    const me = await t.app.inject({ method: "GET", url: "/console/session", headers: { cookie: s.cookie } });
    expect(me.json()).toMatchObject({ principal: "organization", organization: { id: acme.orgId, name: "Acme" } });
    const orgs = (await call(s, "GET", "/organizations?limit=100")).json().data as { id: string }[];
    expect(orgs.map((o) => o.id)).toEqual([acme.orgId]);
    expect((await call(s, "GET", `/organizations/${globex.orgId}`)).statusCode).toBe(404);
    expect((await call(s, "POST", "/organizations", { payload: { name: "Nope" } })).statusCode).toBe(403);
  });

  it("ends a session at once when its key is revoked, and when the admin key is replaced", async () => {
    const key = await t.app.inject({
      method: "POST",
      url: `/organizations/${acme.orgId}/api_keys`,
      headers: bearer(ADMIN_KEY),
      payload: { name: "console" },
    });
    const s = await signIn(key.json().key as string);
    expect((await call(s, "GET", "/directories")).statusCode).toBe(200);
    await t.app.inject({
      method: "DELETE",
      url: `/organizations/${acme.orgId}/api_keys/${key.json().id}`,
      headers: bearer(ADMIN_KEY),
    });
    expect((await call(s, "GET", "/directories")).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: "GET", url: "/console/session", headers: { cookie: s.cookie } })).statusCode,
    ).toBe(401);
    const token = s.cookie.slice("roster_console=".length);
    expect(
      await t.storage.db
        .selectFrom("web_sessions")
        .select("id")
        .where("token_hash", "=", hashSecret(token))
        .executeTakeFirst(),
    ).toBeUndefined();

    const admin = await signIn(ADMIN_KEY);
    await ensureAdminKey(t.storage.db, "roster_admin_replacement_0123456789abcdefghijklmnop");
    try {
      expect((await call(admin, "GET", "/organizations")).statusCode).toBe(401);
    } finally {
      await ensureAdminKey(t.storage.db, ADMIN_KEY);
    }
  });

  it("signs out only with the CSRF header; afterwards the cookie opens nothing", async () => {
    const s = await signIn(globex.key);
    expect((await call(s, "DELETE", "/console/session", { csrf: null })).statusCode).toBe(403);
    expect((await call(s, "GET", "/directories")).statusCode).toBe(200);
    const out = await call(s, "DELETE", "/console/session");
    expect(out.statusCode).toBe(204);
    expect(String(out.headers["set-cookie"])).toContain("roster_console=; Path=/; Max-Age=0");
    expect((await call(s, "GET", "/directories")).statusCode).toBe(401);
  });

  it("records sign-ins, sign-outs and refused sign-ins in the audit log: which key, when, from which address, never the key tried", async () => {
    const from = (
      remoteAddress: string,
      method: "POST" | "DELETE",
      headers: Record<string, string> = {},
      payload?: object,
    ) => t.app.inject({ method, url: "/console/session", remoteAddress, headers, ...(payload ? { payload } : {}) });
    const sessionIdOf = async (setCookie: string) => {
      const token = /roster_console=([^;]+)/.exec(setCookie)?.[1] ?? "";
      return (
        await t.storage.db
          .selectFrom("web_sessions")
          .select("id")
          .where("token_hash", "=", hashSecret(token))
          .executeTakeFirstOrThrow()
      ).id;
    };
    const entries = async (key: string, action: string) =>
      (await t.app.inject({ method: "GET", url: `/audit_log?action=${action}&limit=100`, headers: bearer(key) })).json()
        .data as Record<string, unknown>[];

    const byAdmin = await from("203.0.113.7", "POST", {}, { key: ADMIN_KEY });
    expect(byAdmin.statusCode).toBe(201);
    const adminSession = await sessionIdOf(String(byAdmin.headers["set-cookie"]));
    const byOrg = await from("198.51.100.4", "POST", {}, { key: acme.key });
    const orgSession = await sessionIdOf(String(byOrg.headers["set-cookie"]));
    const signedIn = await entries(ADMIN_KEY, "console.signed_in");
    expect(signedIn.find((e) => e.target_id === adminSession)).toMatchObject({
      actor: { kind: "admin", id: null },
      organization_id: null,
      source_ip: "203.0.113.7",
      created_at: t.clock.now().toISOString(),
    });
    expect(signedIn.find((e) => e.target_id === orgSession)).toMatchObject({
      actor: { kind: "api_key", id: acme.keyId },
      organization_id: acme.orgId,
      source_ip: "198.51.100.4",
    });

    const wrongKey = "sk_wrong-console-key-0123456789abcdef";
    expect((await from("192.0.2.99", "POST", {}, { key: wrongKey })).statusCode).toBe(401);
    const refused = await entries(ADMIN_KEY, "console.sign_in_refused");
    expect(refused.filter((e) => e.source_ip === "192.0.2.99")).toEqual([
      expect.objectContaining({ actor: { kind: "anonymous", id: null }, target_id: null, organization_id: null }),
    ]);
    const dump = JSON.stringify(await t.storage.db.selectFrom("audit_log").selectAll().execute());
    for (const secret of [
      wrongKey,
      hashSecret(wrongKey),
      ADMIN_KEY,
      hashSecret(ADMIN_KEY),
      acme.key,
      hashSecret(acme.key),
    ])
      expect(dump).not.toContain(secret);

    const orgCookie = `roster_console=${/roster_console=([^;]+)/.exec(String(byOrg.headers["set-cookie"]))?.[1]}`;
    const out = await from("198.51.100.5", "DELETE", {
      cookie: orgCookie,
      "x-roster-csrf": byOrg.json().csrf_token as string,
    });
    expect(out.statusCode).toBe(204);
    expect((await entries(ADMIN_KEY, "console.signed_out")).find((e) => e.target_id === orgSession)).toMatchObject({
      actor: { kind: "api_key", id: acme.keyId },
      organization_id: acme.orgId,
      source_ip: "198.51.100.5",
    });
    // Signing out again ends nothing, and records nothing.
    await from("198.51.100.5", "DELETE", { cookie: orgCookie, "x-roster-csrf": byOrg.json().csrf_token as string });
    expect((await entries(ADMIN_KEY, "console.signed_out")).filter((e) => e.target_id === orgSession)).toHaveLength(1);

    // An organization key reads its own organization's sign-ins, not the admin's nor the refused ones.
    const own = await entries(acme.key, "console.signed_in,console.signed_out,console.sign_in_refused");
    expect(own.map((e) => e.target_id)).toContain(orgSession);
    expect(own.every((e) => e.organization_id === acme.orgId)).toBe(true);
  });

  it("expires after eight hours", async () => {
    const s = await signIn(ADMIN_KEY);
    t.clock.advance(CONSOLE_SESSION_TTL_MS + 1000);
    expect((await call(s, "GET", "/organizations")).statusCode).toBe(401);
  });

  it("serves a page with no inline script, only this server's origin, and no data in it", async () => {
    const res = await t.app.inject({ method: "GET", url: "/console" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(res.headers["content-security-policy"]).not.toMatch(/unsafe-inline|https?:/);
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.body).toContain('<script type="module" src="/assets/console/app.js"></script>');
    const script = await t.app.inject({ method: "GET", url: "/assets/console/app.js" });
    expect(script.statusCode).toBe(200);
    expect(script.headers["content-type"]).toContain("text/javascript");
    expect((await t.app.inject({ method: "GET", url: "/assets/../package.json" })).statusCode).toBe(404);
  });
});
