import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("the auth matrix on %s", (dialect) => {
  let t: TestApp;
  let acme: { orgId: string; key: string; keyId: string };
  let globex: { orgId: string; key: string; keyId: string };
  let acmeDir: { id: string; scim: { token: string; base_url: string } };
  let globexDir: { id: string; scim: { token: string } };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createOrgWithKey(t.app, "Acme");
    globex = await createOrgWithKey(t.app, "Globex");
    const mk = async (key: string, name: string) =>
      (
        await t.app.inject({
          method: "POST",
          url: "/directories",
          headers: bearer(key),
          payload: { name, type: "okta scim v2.0" },
        })
      ).json();
    acmeDir = await mk(acme.key, "Acme Okta");
    globexDir = await mk(globex.key, "Globex Okta");
  });
  afterAll(async () => t?.close());

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });
  const scim = (directoryId: string, token: string) =>
    get(`/scim/v2/${directoryId}/ServiceProviderConfig`, bearer(token));

  it("lets the admin key read any organization's directory", async () => {
    expect((await get(`/directories/${acmeDir.id}`, bearer(ADMIN_KEY))).statusCode).toBe(200);
    expect((await get(`/directories/${globexDir.id}`, bearer(ADMIN_KEY))).statusCode).toBe(200);
  });

  it("lets an organization key read its own directory", async () => {
    const res = await get(`/directories/${acmeDir.id}`, bearer(acme.key));
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(acmeDir.id);
  });

  it("answers 404 to another organization's key, so ids do not leak", async () => {
    const res = await get(`/directories/${globexDir.id}`, bearer(acme.key));
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ code: "not_found", message: `Directory ${globexDir.id} not found` });
    for (const [method, url] of [
      ["DELETE", `/directories/${globexDir.id}`],
      ["POST", `/directories/${globexDir.id}/scim_token`],
      ["POST", `/directories/${globexDir.id}/restore`],
    ] as const) {
      expect((await t.app.inject({ method, url, headers: bearer(acme.key) })).statusCode).toBe(404);
    }
    expect((await get(`/directories/${globexDir.id}`, bearer(ADMIN_KEY))).json()).toMatchObject({
      state: expect.not.stringMatching("deleting"),
      deleted_at: null,
    });
  });

  it("answers 401 with WWW-Authenticate to a missing, malformed or unknown key", async () => {
    for (const headers of [{}, { authorization: "Basic abc" }, bearer("sk_nope"), bearer("roster_admin_wrong")]) {
      const res = await get("/directories", headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="roster"');
      expect(res.json().code).toBe("unauthorized");
    }
  });

  it("stops accepting a revoked organization key", async () => {
    const extra = (
      await t.app.inject({
        method: "POST",
        url: `/organizations/${acme.orgId}/api_keys`,
        headers: bearer(ADMIN_KEY),
        payload: { name: "ci" },
      })
    ).json();
    expect((await get("/directories", bearer(extra.key))).statusCode).toBe(200);
    const revoke = await t.app.inject({
      method: "DELETE",
      url: `/organizations/${acme.orgId}/api_keys/${extra.id}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(revoke.statusCode).toBe(204);
    expect((await get("/directories", bearer(extra.key))).statusCode).toBe(401);
    const keys = (await get(`/organizations/${acme.orgId}/api_keys`, bearer(ADMIN_KEY))).json();
    expect(keys.data.map((k: { id: string }) => k.id)).not.toContain(extra.id);
    expect(JSON.stringify(keys)).not.toMatch(/sk_[A-Za-z0-9_-]{20}/);
  });

  it("keeps key management for the admin only", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: `/organizations/${acme.orgId}/api_keys`,
      headers: bearer(acme.key),
      payload: {},
    });
    expect(res.statusCode).toBe(403);
  });

  it("refuses a directory's SCIM token on the normalized API", async () => {
    for (const url of ["/directories", `/directories/${acmeDir.id}`, "/organizations"]) {
      expect((await get(url, bearer(acmeDir.scim.token))).statusCode).toBe(401);
    }
  });

  it("accepts a SCIM token only on its own directory's SCIM base", async () => {
    expect((await scim(acmeDir.id, acmeDir.scim.token)).statusCode).toBe(200);
    const cross = await scim(globexDir.id, acmeDir.scim.token);
    expect(cross.statusCode).toBe(401);
    expect(cross.headers["content-type"]).toContain("application/scim+json");
    expect(cross.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    expect((await scim(acmeDir.id, ADMIN_KEY)).statusCode).toBe(401);
    expect((await scim(acmeDir.id, acme.key)).statusCode).toBe(401);
  });

  it("ends the old SCIM token at rotation when there is no grace period", async () => {
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(acme.key),
        payload: { name: "Rotating", type: "azure scim v2.0" },
      })
    ).json();
    const rotated = await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/scim_token`,
      headers: bearer(acme.key),
    });
    expect(rotated.statusCode).toBe(201);
    expect(rotated.json()).toMatchObject({
      object: "scim_token",
      base_url: dir.scim.base_url,
      previous_token_expires_at: null,
    });
    expect((await scim(dir.id, dir.scim.token)).statusCode).toBe(401);
    expect((await scim(dir.id, rotated.json().token)).statusCode).toBe(200);
    const events = await t.storage.db
      .selectFrom("events")
      .select("event")
      .where("directory_id", "=", dir.id)
      .orderBy("seq")
      .execute();
    expect(events.map((e) => e.event)).toEqual([
      "dsync.activated",
      "dsync.token.created",
      "dsync.token.revoked",
      "dsync.token.created",
    ]);
  });

  it("keeps the old SCIM token valid through a grace period, then ends it", async () => {
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(acme.key),
        payload: { name: "Graceful", type: "azure scim v2.0" },
      })
    ).json();
    const rotated = await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/scim_token`,
      headers: bearer(acme.key),
      payload: { grace_period_seconds: 3600 },
    });
    expect(rotated.json().previous_token_expires_at).toBe(new Date(t.clock.now().getTime() + 3_600_000).toISOString());
    expect((await scim(dir.id, dir.scim.token)).statusCode).toBe(200);
    expect((await scim(dir.id, rotated.json().token)).statusCode).toBe(200);
    t.clock.advance(3_600_001);
    expect((await scim(dir.id, dir.scim.token)).statusCode).toBe(401);
    expect((await scim(dir.id, rotated.json().token)).statusCode).toBe(200);
  });

  it("stops a deleted directory's SCIM token and brings it back on restore", async () => {
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(acme.key),
        payload: { name: "Paused", type: "generic scim v2.0" },
      })
    ).json();
    await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(acme.key) });
    expect((await scim(dir.id, dir.scim.token)).statusCode).toBe(404);
    await t.app.inject({ method: "POST", url: `/directories/${dir.id}/restore`, headers: bearer(acme.key) });
    expect((await scim(dir.id, dir.scim.token)).statusCode).toBe(200);
  });
});
