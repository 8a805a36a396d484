import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("organizations on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it("creates, reads, updates and deletes an organization with the admin key", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(ADMIN_KEY),
      payload: { name: "Acme", domains: ["Acme.com", "acme.com"] },
    });
    expect(created.statusCode).toBe(201);
    const org = created.json();
    expect(org).toMatchObject({ object: "organization", name: "Acme", domains: ["acme.com"] });
    expect(org.id).toMatch(/^org_[0-9A-Z]{26}$/);

    const got = await t.app.inject({ method: "GET", url: `/organizations/${org.id}`, headers: bearer(ADMIN_KEY) });
    expect(got.json()).toEqual(org);

    const patched = await t.app.inject({
      method: "PATCH",
      url: `/organizations/${org.id}`,
      headers: bearer(ADMIN_KEY),
      payload: { name: "Acme Inc" },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().name).toBe("Acme Inc");

    const deleted = await t.app.inject({
      method: "DELETE",
      url: `/organizations/${org.id}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(deleted.statusCode).toBe(204);
    const gone = await t.app.inject({ method: "GET", url: `/organizations/${org.id}`, headers: bearer(ADMIN_KEY) });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe("not_found");
  });

  it("lets an organization key see only its own organization", async () => {
    const mine = await createOrgWithKey(t.app, "Mine");
    const theirs = await createOrgWithKey(t.app, "Theirs");
    const list = await t.app.inject({ method: "GET", url: "/organizations?limit=100", headers: bearer(mine.key) });
    expect(list.statusCode).toBe(200);
    expect(list.json().data.map((o: { id: string }) => o.id)).toEqual([mine.orgId]);
    const other = await t.app.inject({
      method: "GET",
      url: `/organizations/${theirs.orgId}`,
      headers: bearer(mine.key),
    });
    expect(other.statusCode).toBe(404);
    const patchOther = await t.app.inject({
      method: "PATCH",
      url: `/organizations/${theirs.orgId}`,
      headers: bearer(mine.key),
      payload: { name: "pwned" },
    });
    expect(patchOther.statusCode).toBe(404);
    const create = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(mine.key),
      payload: { name: "x" },
    });
    expect(create.statusCode).toBe(403);
  });

  it("refuses to delete an organization that still has directories", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Busy");
    const dir = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(ADMIN_KEY),
      payload: { organization_id: orgId, name: "Okta", type: "okta scim v2.0" },
    });
    expect(dir.statusCode).toBe(201);
    const res = await t.app.inject({ method: "DELETE", url: `/organizations/${orgId}`, headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("organization_has_directories");
  });

  it("refuses to delete an organization while a deleted directory of it can still be restored, naming it and its deadline", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Leaving");
    const dir = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(ADMIN_KEY),
      payload: { organization_id: orgId, name: "Okta", type: "okta scim v2.0" },
    });
    const dirId = dir.json().id as string;
    expect(
      (await t.app.inject({ method: "DELETE", url: `/directories/${dirId}`, headers: bearer(ADMIN_KEY) })).statusCode,
    ).toBe(202);

    const refused = await t.app.inject({
      method: "DELETE",
      url: `/organizations/${orgId}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(refused.statusCode).toBe(409);
    const deadline = new Date(t.clock.now().getTime() + t.config.restoreDays * 86_400_000).toISOString();
    expect(refused.json()).toMatchObject({
      code: "organization_has_restorable_directories",
      errors: [{ field: dirId, code: "restorable", message: `deleted, restorable until ${deadline}` }],
    });
    expect(refused.json().message).toContain(`${dirId} (restorable until ${deadline})`);
    // The promise kept: the directory is still there to restore.
    const restored = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/restore`,
      headers: bearer(ADMIN_KEY),
    });
    expect(restored.statusCode).toBe(200);
    expect(
      (await t.app.inject({ method: "DELETE", url: `/directories/${dirId}`, headers: bearer(ADMIN_KEY) })).statusCode,
    ).toBe(202);

    // Once the window has passed the directory is as good as purged, and the organization goes with it.
    t.clock.advance(t.config.restoreDays * 86_400_000 + 1);
    expect(
      (await t.app.inject({ method: "DELETE", url: `/organizations/${orgId}`, headers: bearer(ADMIN_KEY) })).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: bearer(ADMIN_KEY) })).statusCode,
    ).toBe(404);
  });

  it("searches organizations by name, treating % and _ literally", async () => {
    await createOrgWithKey(t.app, "100% Pure");
    await createOrgWithKey(t.app, "1000 Pure");
    const res = await t.app.inject({
      method: "GET",
      url: `/organizations?search=${encodeURIComponent("100%")}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(res.json().data.map((o: { name: string }) => o.name)).toEqual(["100% Pure"]);
  });
});
