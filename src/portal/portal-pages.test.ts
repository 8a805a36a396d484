import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { csrfToken } from "../web/csrf.js";

describe.each(DIALECTS)("the setup portal's pages on %s", (dialect) => {
  let t: TestApp;
  let org: { orgId: string; key: string };
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "portal-pages-secret-0123456789abcdefghijklmn" });
    org = await createOrgWithKey(t.app, "Acme");
  });
  afterAll(async () => t?.close());

  async function session(): Promise<string> {
    const link = (
      await t.app.inject({
        method: "POST",
        url: "/portal/generate_link",
        headers: bearer(ADMIN_KEY),
        payload: { organization: org.orgId, intent: "dsync" },
      })
    ).json().link as string;
    const opened = await t.app.inject({ method: "GET", url: link.replace("http://roster.test", "") });
    return /roster_portal=([^;]+)/.exec(String(opened.headers["set-cookie"]))?.[1] ?? "";
  }
  const post = (s: string, url: string, form: Record<string, string>) =>
    t.app.inject({
      method: "POST",
      url,
      headers: { cookie: `roster_portal=${s}`, "content-type": "application/x-www-form-urlencoded" },
      payload: new URLSearchParams({ ...form, _csrf: csrfToken(s) }).toString(),
    });
  const get = (s: string, url: string) =>
    t.app.inject({ method: "GET", url, headers: { cookie: `roster_portal=${s}` } });

  it("escapes what a user typed: a directory named with markup shows as text", async () => {
    const s = await session();
    const made = await post(s, "/portal/directories", { idp: "scim", name: `<img src=x onerror=alert(1)>"` });
    expect(made.statusCode).toBe(200);
    expect(made.body).not.toContain("<img src=x");
    expect(made.body).toContain("&lt;img src=x onerror=alert(1)&gt;&quot;");
    const home = await get(s, "/portal");
    expect(home.body).not.toContain("<img src=x");
  });

  it("shows an LDAP form's errors on the form again, keeping what was typed but never the password", async () => {
    const s = await session();
    const res = await post(s, "/portal/directories", {
      idp: "ldap",
      name: "Corp LDAP",
      url: "not-a-url",
      bind_dn: "cn=roster,dc=corp",
      password: "hunter2-secret",
      base_dn: "dc=corp",
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain("connector.url");
    expect(res.body).toContain('value="cn=roster,dc=corp"');
    expect(res.body).not.toContain("hunter2-secret");
    const dirs = await t.storage.db
      .selectFrom("directories")
      .select("name")
      .where("organization_id", "=", org.orgId)
      .where("type", "=", "ldap")
      .execute();
    expect(dirs).toEqual([]);
  });

  it("creates an LDAP directory from the form and sends the IT admin to its page, which offers Sync now", async () => {
    const s = await session();
    const res = await post(s, "/portal/directories", {
      idp: "ldap",
      name: "Corp LDAP",
      url: "ldap://127.0.0.1:1",
      bind_dn: "cn=roster,dc=corp",
      password: "hunter2-secret",
      base_dn: "dc=corp",
    });
    expect(res.statusCode).toBe(303);
    const page = await get(s, String(res.headers.location));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Sync now");
    expect(page.body).toContain("No sync has run yet.");
    expect(page.body).not.toContain("hunter2-secret");
    const id = String(res.headers.location).split("/").pop() ?? "";
    const api = (await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: bearer(org.key) })).json();
    expect(api).toMatchObject({
      type: "ldap",
      state: "unlinked",
      connector: { url: "ldap://127.0.0.1:1", bind_dn: "cn=roster,dc=corp", password_set: true },
    });
  });

  it("signing out ends the session at once and clears the cookie", async () => {
    const s = await session();
    const out = await post(s, "/portal/sign_out", {});
    expect(out.statusCode).toBe(200);
    expect(out.headers["set-cookie"]).toMatch(/^roster_portal=; Path=\/portal; Max-Age=0; HttpOnly; SameSite=Strict$/);
    expect((await get(s, "/portal")).statusCode).toBe(401);
  });

  it("offers Google Workspace with Google's setup steps, and creates it with the key sealed, never echoing it", async () => {
    const s = await session();
    const home = await get(s, "/portal");
    expect(home.body).toContain('href="/portal/setup/ldap"');
    expect(home.body).toContain('href="/portal/setup/google"');
    const setup = await get(s, "/portal/setup/google");
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain("Manage Domain Wide Delegation");
    expect(setup.body).toContain("admin.directory.group.member.readonly");
    const bad = await post(s, "/portal/directories", {
      idp: "google",
      name: "Google",
      admin_email: "admin@acme.test",
      service_account_key: '{"type":"service_account","private_key":"secret-bits"}',
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("connector.service_account_key");
    expect(bad.body).not.toContain("secret-bits");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = JSON.stringify({
      type: "service_account",
      client_email: "sync@p.iam.gserviceaccount.com",
      private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
      token_uri: "https://oauth2.googleapis.com/token",
    });
    const made = await post(s, "/portal/directories", {
      idp: "google",
      name: "Google",
      admin_email: "admin@acme.test",
      domain: "acme.test",
      service_account_key: key,
    });
    expect(made.statusCode, made.body).toBe(303);
    const id = String(made.headers.location).split("/").pop() ?? "";
    const api = (await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: bearer(org.key) })).json();
    expect(api).toMatchObject({
      type: "google workspace",
      connector: { admin_email: "admin@acme.test", domain: "acme.test", service_account_key_set: true },
    });
    expect(JSON.stringify(api)).not.toContain("PRIVATE KEY");
  });
  it("offers Entra ID read through Graph beside Entra's SCIM provisioning, with its steps, and creates it with the secret sealed, never echoing it", async () => {
    const s = await session();
    const home = await get(s, "/portal");
    expect(home.body).toContain('href="/portal/setup/entra"');
    expect(home.body).toContain('href="/portal/setup/entra-pull"');
    const setup = await get(s, "/portal/setup/entra-pull");
    expect(setup.statusCode).toBe(200);
    expect(setup.body).toContain("Grant admin consent");
    expect(setup.body).toContain("User.Read.All");
    expect(setup.body).toMatch(/<input name="client_secret" type="password"/);
    expect(setup.body).toMatch(/<textarea name="certificate"/);
    const form = {
      idp: "entra-pull",
      name: "Contoso",
      tenant_id: "contoso.onmicrosoft.com",
      client_id: "3c9e1b2a-1111-4000-8000-000000000002",
      client_secret: "Xy7~portal-secret-value",
    };
    const bad = await post(s, "/portal/directories", { ...form, tenant_id: "../evil" });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain("connector.tenant_id");
    expect(bad.body).toContain('value="3c9e1b2a-1111-4000-8000-000000000002"');
    expect(bad.body).not.toContain("Xy7~portal-secret-value");
    const made = await post(s, "/portal/directories", form);
    expect(made.statusCode, made.body).toBe(303);
    const id = String(made.headers.location).split("/").pop() ?? "";
    const api = (await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: bearer(org.key) })).json();
    expect(api).toMatchObject({
      type: "entra id",
      connector: { tenant_id: "contoso.onmicrosoft.com", client_secret_set: true },
    });
    expect(JSON.stringify(api)).not.toContain("Xy7~portal-secret-value");
  });

  it("offers Okta read through its API, with the service app's steps; the private key is sealed and never echoed", async () => {
    const s = await session();
    expect((await get(s, "/portal")).body).toContain('href="/portal/setup/okta-api"');
    const setup = await get(s, "/portal/setup/okta-api");
    expect(setup.statusCode).toBe(200);
    for (const words of [
      "API Services",
      "okta.users.read",
      "okta.groups.read",
      "Read-only Administrator",
      "Security → API → Tokens",
    ])
      expect(setup.body).toContain(words);
    const pem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    }) as string;
    const both = await post(s, "/portal/directories", {
      idp: "okta-api",
      name: "Okta",
      org_url: "https://acme.okta.com",
      token: "00portal-token-secret",
      client_id: "0oa1",
      private_key: pem,
    });
    expect(both.statusCode).toBe(422);
    expect(both.body).toContain("connector.token");
    expect(both.body).not.toContain("00portal-token-secret");
    // The placeholder says "BEGIN PRIVATE KEY"; the key's own text must not come back.
    expect(both.body).not.toContain(pem.split("\n")[1]);
    expect(both.body).toContain('value="0oa1"');
    const made = await post(s, "/portal/directories", {
      idp: "okta-api",
      name: "Okta",
      org_url: "https://acme.okta.com",
      token: "",
      client_id: "0oa1",
      private_key: pem,
      key_id: "",
    });
    expect(made.statusCode, made.body).toBe(303);
    const id = String(made.headers.location).split("/").pop() ?? "";
    const api = (await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: bearer(org.key) })).json();
    expect(api).toMatchObject({
      type: "okta api",
      connector: { org_url: "https://acme.okta.com", client_id: "0oa1", private_key_set: true },
    });
    expect(JSON.stringify(api)).not.toContain("PRIVATE KEY");
  });
});
