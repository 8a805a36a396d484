import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("directories on %s", (dialect) => {
  let t: TestApp;
  let org: { orgId: string; key: string };
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_RESTORE_DAYS: "7" });
    org = await createOrgWithKey(t.app, "Acme");
  });
  afterAll(async () => t?.close());

  const create = (key: string, payload: object) =>
    t.app.inject({ method: "POST", url: "/directories", headers: bearer(key), payload });
  const eventsOf = (directoryId: string) =>
    t.storage.db
      .selectFrom("events")
      .select(["event", "data"])
      .where("directory_id", "=", directoryId)
      .orderBy("seq")
      .execute();

  it("creates an ingest directory and shows its SCIM base URL and token once", async () => {
    const res = await create(org.key, { name: "Okta", type: "okta scim v2.0", domain: "Acme.com" });
    expect(res.statusCode).toBe(201);
    const dir = res.json();
    expect(dir).toMatchObject({
      object: "directory",
      external_key: dir.id,
      organization_id: org.orgId,
      name: "Okta",
      type: "okta scim v2.0",
      state: "unlinked",
      domain: "acme.com",
      deactivated_members: "hide",
      metadata: { users: { active: 0, inactive: 0 }, groups: 0 },
    });
    expect(dir.scim.base_url).toBe(`http://roster.test/scim/v2/${dir.id}`);
    expect(dir.scim.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);

    const again = await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: bearer(org.key) });
    expect(again.json().scim).toEqual({ base_url: dir.scim.base_url });

    const stored = await t.storage.db
      .selectFrom("directory_tokens")
      .selectAll()
      .where("directory_id", "=", dir.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(dir.scim.token);
  });

  it("writes dsync.activated and dsync.token.created in the same transaction as the directory", async () => {
    const dir = (await create(org.key, { name: "Entra", type: "azure scim v2.0" })).json();
    const events = await eventsOf(dir.id);
    expect(events.map((e) => e.event)).toEqual(["dsync.activated", "dsync.token.created"]);
    expect(JSON.parse(events[0]?.data ?? "{}")).toMatchObject({ id: dir.id, object: "directory" });
    expect(JSON.parse(events[1]?.data ?? "{}")).toEqual({ directory_id: dir.id, last4: dir.scim.token.slice(-4) });
    expect(events.map((e) => e.data).join()).not.toContain(dir.scim.token);
  });

  it("rejects a directory for another organization as not found", async () => {
    const other = await createOrgWithKey(t.app, "Other");
    const res = await create(org.key, { organization_id: other.orgId, name: "x", type: "generic scim v2.0" });
    expect(res.statusCode).toBe(404);
    const count = await t.storage.db
      .selectFrom("directories")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("organization_id", "=", other.orgId)
      .executeTakeFirst();
    expect(Number(count?.n)).toBe(0);
  });

  it("says clearly which connector settings a pull type needs, or that the connector is missing", async () => {
    const res = await create(org.key, { name: "Google", type: "google workspace", connector: {} });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ["connector.service_account_key", "required"],
      ["connector.admin_email", "required"],
    ]);
    const missing = await create(org.key, { name: "Upstream", type: "scim pull" });
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors[0]).toMatchObject({ field: "connector", code: "required" });
  });

  it("lists directories by organization and searches by name", async () => {
    const { orgId, key } = await createOrgWithKey(t.app, "Search Co");
    for (const name of ["Okta Prod", "okta staging", "Entra"]) await create(key, { name, type: "generic scim v2.0" });
    const all = await t.app.inject({
      method: "GET",
      url: `/directories?organization_id=${orgId}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(all.json().data).toHaveLength(3);
    const found = await t.app.inject({
      method: "GET",
      url: `/directories?organization_id=${orgId}&search=OKTA&order=asc`,
      headers: bearer(ADMIN_KEY),
    });
    expect(found.json().data.map((d: { name: string }) => d.name)).toEqual(["Okta Prod", "okta staging"]);
    const mine = await t.app.inject({ method: "GET", url: "/directories?limit=100", headers: bearer(key) });
    expect(mine.json().data.every((d: { organization_id: string }) => d.organization_id === orgId)).toBe(true);
  });

  it("patches name, domain and the deactivated-members policy", async () => {
    const dir = (await create(org.key, { name: "Old", type: "generic scim v2.0" })).json();
    const res = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dir.id}`,
      headers: bearer(org.key),
      payload: { name: "New", domain: null, deactivated_members: "remove" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ name: "New", domain: null, deactivated_members: "remove" });
  });

  const scimGet = (dirId: string, token: string) =>
    t.app.inject({ method: "GET", url: `/scim/v2/${dirId}/Users?filter=userName eq "nobody"`, headers: bearer(token) });
  const stateOf = async (dirId: string) =>
    (await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: bearer(org.key) })).json().state;

  it("is unlinked until the IdP's first authenticated SCIM request, which links it", async () => {
    const dir = (await create(org.key, { name: "Linking", type: "okta scim v2.0" })).json();
    expect((await scimGet(dir.id, "scim_not-the-token")).statusCode).toBe(401);
    expect(await stateOf(dir.id)).toBe("unlinked");
    expect((await scimGet(dir.id, dir.scim.token)).statusCode).toBe(200);
    expect(await stateOf(dir.id)).toBe("linked");
    const row = await t.storage.db
      .selectFrom("directories")
      .select("linked_at")
      .where("id", "=", dir.id)
      .executeTakeFirstOrThrow();
    expect(row.linked_at).toBe(t.clock.now().toISOString());
    // A later request changes nothing: the first one is when it was linked.
    t.clock.advance(60_000);
    await scimGet(dir.id, dir.scim.token);
    expect(
      (
        await t.storage.db
          .selectFrom("directories")
          .select("linked_at")
          .where("id", "=", dir.id)
          .executeTakeFirstOrThrow()
      ).linked_at,
    ).toBe(row.linked_at);
  });

  it("restores a directory to unlinked when it had never heard from its IdP", async () => {
    const dir = (await create(org.key, { name: "Never used", type: "generic scim v2.0" })).json();
    await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(org.key) });
    const restored = await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/restore`,
      headers: bearer(org.key),
    });
    expect(restored.json()).toMatchObject({ state: "unlinked", deleted_at: null });
  });

  it("soft-deletes a directory, hides it from lists, and restores it", async () => {
    const dir = (await create(org.key, { name: "Temp", type: "generic scim v2.0" })).json();
    await scimGet(dir.id, dir.scim.token);
    const del = await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(org.key) });
    expect(del.statusCode).toBe(202);
    expect(del.json().state).toBe("deleting");
    const list = await t.app.inject({ method: "GET", url: "/directories?limit=100", headers: bearer(org.key) });
    expect(list.json().data.map((d: { id: string }) => d.id)).not.toContain(dir.id);
    const withDeleted = await t.app.inject({
      method: "GET",
      url: "/directories?limit=100&include_deleted=true",
      headers: bearer(org.key),
    });
    expect(withDeleted.json().data.map((d: { id: string }) => d.id)).toContain(dir.id);
    const patch = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dir.id}`,
      headers: bearer(org.key),
      payload: { name: "x" },
    });
    expect(patch.statusCode).toBe(409);
    const restored = await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/restore`,
      headers: bearer(org.key),
    });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ state: "linked", deleted_at: null });
    expect((await eventsOf(dir.id)).map((e) => e.event)).toEqual([
      "dsync.activated",
      "dsync.token.created",
      "dsync.deleted",
      "dsync.activated",
    ]);
  });

  // The WorkOS SDK sends `Content-Type: application/json` on every request, its body-less DELETE included.
  it("deletes on a body-less DELETE that says its body is JSON, and still refuses a malformed body", async () => {
    const dir = (await create(org.key, { name: "SDK deleted", type: "generic scim v2.0" })).json();
    const json = { ...bearer(org.key), "content-type": "application/json" };
    const malformed = await t.app.inject({
      method: "DELETE",
      url: `/directories/${dir.id}`,
      headers: json,
      payload: "{",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: "invalid_json" });
    const del = await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: json });
    expect(del.statusCode, del.body).toBe(202);
    expect(del.json()).toMatchObject({ id: dir.id, state: "deleting" });
  });

  it("purges a deleted directory once the restore window has passed", async () => {
    const dir = (await create(org.key, { name: "Doomed", type: "generic scim v2.0" })).json();
    await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(org.key) });
    const { createDirectoryService } = await import("../tenancy/directories.js");
    const service = createDirectoryService(t.deps);
    expect(await service.purgeExpired()).toBe(0);
    t.clock.advance(8 * 86_400_000);
    expect(await service.purgeExpired()).toBeGreaterThanOrEqual(1);
    const gone = await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: bearer(org.key) });
    expect(gone.statusCode).toBe(404);
  });
});
