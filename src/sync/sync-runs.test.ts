import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  SourceError,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);

describe.each(DIALECTS)("pull directory sync runs on %s", (dialect) => {
  let t: TestApp;
  let data: MemoryData;
  let orgId: string;
  let orgKey: string;

  beforeAll(async () => {
    data = memoryData();
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "sync-test-secret-key-0123456789" },
      { logger: false, connectorKinds: { ldap: memoryConnector(data) } },
    );
    ({ orgId, key: orgKey } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  async function createPullDirectory(
    connector: Record<string, unknown> = { host: "ldap.test", password: "s3cret" },
  ): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "LDAP", type: "ldap", connector },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  /** Starts a run over the API and waits for it to end. */
  async function sync(dirId: string, body: Record<string, unknown> = {}) {
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/sync`,
      headers: admin,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().state).toBe("running");
    await t.app.sync.idle();
    const run = await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin });
    expect(run.statusCode).toBe(200);
    return run.json();
  }

  async function users(dirId: string) {
    const res = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${dirId}&limit=100`,
      headers: admin,
    });
    return (
      res.json().data as { username: string; state: string; first_name: string; groups: { name: string }[] }[]
    ).sort((a, b) => a.username.localeCompare(b.username));
  }

  async function eventsOf(dirId: string, type: string) {
    const rows = await t.storage.db
      .selectFrom("events")
      .select("data")
      .where("directory_id", "=", dirId)
      .where("event", "=", type)
      .execute();
    return rows.map((r) => JSON.parse(r.data));
  }

  it("a full run creates users, groups and memberships with their events, and says so", async () => {
    const dirId = await createPullDirectory();
    data.users = ["ada", "bob", "cy"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada", "bob"]), sourceGroup("ops", ["cy"])];
    const run = await sync(dirId);
    expect(run).toMatchObject({
      object: "directory_sync_run",
      state: "succeeded",
      mode: "full",
      trigger: "manual",
      phase: "done",
      failure: null,
    });
    expect(run.counts).toEqual({ created: 3, updated: 0, deactivated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(run.group_counts).toMatchObject({ created: 2, updated: 0, deleted: 0, unchanged: 0 });
    const listed = await users(dirId);
    expect(listed.map((u) => [u.username, u.groups.map((g) => g.name)])).toEqual([
      ["ada", ["eng"]],
      ["bob", ["eng"]],
      ["cy", ["ops"]],
    ]);
    expect(await eventsOf(dirId, "dsync.user.created")).toHaveLength(3);
    expect(await eventsOf(dirId, "dsync.group.user_added")).toHaveLength(3);
    const completed = await eventsOf(dirId, "connector.sync.completed");
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ id: run.id, state: "succeeded", counts: { created: 3 } });

    // The same source again changes nothing and writes no user or group events.
    const again = await sync(dirId);
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3 });
    expect(again.group_counts).toMatchObject({ unchanged: 2, updated: 0 });
    expect(await eventsOf(dirId, "dsync.user.created")).toHaveLength(3);
    expect(await eventsOf(dirId, "dsync.user.updated")).toHaveLength(0);
  });

  it("applies changes as updates and membership diffs, and deactivates users the source lost", async () => {
    // One of the two memberships ends: 50 %, allowed here.
    const dirId = await createPullDirectory({ max_removal_percent: 50 });
    data.users = ["ada", "bob", "cy", "dee", "eve", "fay"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada", "bob"])];
    await sync(dirId);
    data.users = data.users
      .filter((u) => u.username !== "fay")
      .map((u) => (u.username === "ada" ? { ...u, firstName: "Augusta" } : u));
    data.groups = [sourceGroup("eng", ["ada", "cy"])];
    const run = await sync(dirId);
    expect(run.state).toBe("succeeded");
    expect(run.counts).toEqual({ created: 0, updated: 1, deactivated: 1, deleted: 0, unchanged: 4, failed: 0 });
    expect(run.group_counts).toMatchObject({ updated: 1 });
    const updated = await eventsOf(dirId, "dsync.user.updated");
    const adaUpdate = updated.find((e) => e.username === "ada");
    expect(adaUpdate).toMatchObject({ first_name: "Augusta", previous_attributes: { first_name: "ada" } });
    expect(updated.find((e) => e.username === "fay")).toMatchObject({ state: "inactive" });
    expect((await eventsOf(dirId, "dsync.group.user_removed")).map((e) => e.user.username)).toEqual(["bob"]);
    const listed = await users(dirId);
    expect(listed.find((u) => u.username === "fay")?.state).toBe("inactive");
    expect(listed.find((u) => u.username === "cy")?.groups.map((g) => g.name)).toEqual(["eng"]);
  });

  it("writes a large group's membership in slices, with one event per member, and diffs it on the next run", async () => {
    const dirId = await createPullDirectory({ max_removal_percent: 50 });
    data.users = Array.from({ length: 1200 }, (_, i) => sourceUser(`u${i}`));
    data.groups = [
      sourceGroup(
        "everyone",
        data.users.map((u) => u.username),
      ),
    ];
    const run = await sync(dirId);
    expect(run.group_counts).toMatchObject({ created: 1, failed: 0 });
    const members = async () =>
      (await t.storage.db.selectFrom("group_memberships").select("user_id").where("directory_id", "=", dirId).execute())
        .length;
    expect(await members()).toBe(1200);
    expect(await eventsOf(dirId, "dsync.group.user_added")).toHaveLength(1200);
    data.groups = [
      sourceGroup(
        "everyone",
        data.users.slice(0, 600).map((u) => u.username),
      ),
    ];
    const second = await sync(dirId);
    expect(second.group_counts).toMatchObject({ updated: 1 });
    expect(await members()).toBe(600);
    expect(await eventsOf(dirId, "dsync.group.user_removed")).toHaveLength(600);
  });

  it("deletes instead of deactivating when the connector says so, and deletes groups the source lost", async () => {
    const dirId = await createPullDirectory({ removal: "delete", max_removal_percent: 100 });
    data.users = ["ada", "bob"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada"]), sourceGroup("old", ["bob"])];
    await sync(dirId);
    data.users = [sourceUser("ada")];
    data.groups = [sourceGroup("eng", ["ada"])];
    const run = await sync(dirId);
    expect(run.counts).toMatchObject({ deleted: 1, deactivated: 0, unchanged: 1 });
    expect(run.group_counts).toMatchObject({ deleted: 1, unchanged: 1 });
    expect((await users(dirId)).map((u) => u.username)).toEqual(["ada"]);
    expect(await eventsOf(dirId, "dsync.user.deleted")).toHaveLength(1);
    expect(await eventsOf(dirId, "dsync.group.deleted")).toHaveLength(1);
  });

  it("the mass-removal guard holds a run until it is confirmed, then removes", async () => {
    const dirId = await createPullDirectory();
    data.users = Array.from({ length: 10 }, (_, i) => sourceUser(`user${i}`));
    await sync(dirId);
    data.users = data.users.slice(0, 7);
    data.users.push(sourceUser("newcomer"));
    const eventsBefore = (
      await t.storage.db.selectFrom("events").select("id").where("directory_id", "=", dirId).orderBy("seq").execute()
    ).length;
    const held = await sync(dirId);
    expect(held).toMatchObject({
      state: "needs_confirmation",
      pending_removals: 3,
      pending_membership_removals: 0,
      finished_at: expect.any(String),
    });
    // A held run changes nothing, not even the creations: its counts and changes are its plan.
    expect(held.counts).toMatchObject({ created: 1, deactivated: 3, unchanged: 7 });
    expect(held.changes).toEqual(
      expect.arrayContaining([
        { action: "create", kind: "user", ref: "newcomer" },
        { action: "deactivate", kind: "user", ref: "user9" },
      ]),
    );
    expect((await users(dirId)).filter((u) => u.state === "inactive")).toHaveLength(0);
    expect((await users(dirId)).map((u) => u.username)).not.toContain("newcomer");
    const eventsHeld = await t.storage.db
      .selectFrom("events")
      .select("event")
      .where("directory_id", "=", dirId)
      .orderBy("seq")
      .execute();
    expect(eventsHeld.slice(eventsBefore).map((e) => e.event)).toEqual(["connector.sync.completed"]);

    const confirm = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${held.id}/confirm`,
      headers: admin,
    });
    expect(confirm.statusCode, confirm.body).toBe(202);
    expect(confirm.json()).toMatchObject({ id: held.id, state: "running", confirmed_at: expect.any(String) });
    await t.app.sync.idle();
    const done = (
      await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs/${held.id}`, headers: admin })
    ).json();
    expect(done).toMatchObject({ state: "succeeded", trigger: "manual", changes: null, pending_removals: 0 });
    expect(done.counts).toEqual({ created: 1, updated: 0, deactivated: 3, deleted: 0, unchanged: 7, failed: 0 });
    expect((await users(dirId)).filter((u) => u.state === "inactive")).toHaveLength(3);
    expect(await eventsOf(dirId, "dsync.user.created")).toHaveLength(11);

    const twice = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${held.id}/confirm`,
      headers: admin,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe("not_awaiting_confirmation");
  });

  it("a dry run lists the changes and writes none", async () => {
    const dirId = await createPullDirectory({ max_removal_percent: 50 });
    data.users = ["ada", "bob"].map((u) => sourceUser(u));
    await sync(dirId);
    data.users = [sourceUser("ada", { lastName: "Lovelace" }), sourceUser("cy")];
    data.groups = [sourceGroup("eng", ["ada", "cy"])];
    const eventsBefore = await t.storage.db
      .selectFrom("events")
      .select("id")
      .where("directory_id", "=", dirId)
      .execute();
    const run = await sync(dirId, { dry_run: true });
    expect(run).toMatchObject({ state: "succeeded", dry_run: true });
    expect(run.counts).toMatchObject({ created: 1, updated: 1, deactivated: 1 });
    expect(run.changes).toEqual(
      expect.arrayContaining([
        { action: "create", kind: "user", ref: "cy" },
        { action: "update", kind: "user", ref: "ada", fields: ["last_name"] },
        { action: "deactivate", kind: "user", ref: "bob" },
        { action: "create", kind: "group", ref: "eng" },
      ]),
    );
    expect((await users(dirId)).map((u) => [u.username, u.state])).toEqual([
      ["ada", "active"],
      ["bob", "active"],
    ]);
    // Only the run's own completion event.
    const eventsAfter = await t.storage.db
      .selectFrom("events")
      .select(["id", "event"])
      .where("directory_id", "=", dirId)
      .orderBy("seq")
      .execute();
    expect(eventsAfter.length - eventsBefore.length).toBe(1);
    expect(eventsAfter.at(-1)?.event).toBe("connector.sync.completed");
  });

  it("a dry run says when the guard would hold the run; it cannot be confirmed", async () => {
    const dirId = await createPullDirectory();
    data.users = ["ada", "bob", "cy"].map((u) => sourceUser(u));
    await sync(dirId);
    data.users = [sourceUser("ada")];
    const run = await sync(dirId, { dry_run: true });
    expect(run).toMatchObject({ state: "needs_confirmation", dry_run: true, pending_removals: 2 });
    expect(run.changes).toEqual([
      { action: "deactivate", kind: "user", ref: "bob" },
      { action: "deactivate", kind: "user", ref: "cy" },
    ]);
    const confirm = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${run.id}/confirm`,
      headers: admin,
    });
    expect(confirm.statusCode).toBe(409);
    expect(confirm.json().code).toBe("dry_run");
    expect((await users(dirId)).every((u) => u.state === "active")).toBe(true);
  });

  it("a bad record fails alone: the others are written", async () => {
    const dirId = await createPullDirectory();
    data.invalidUsers = [{ ref: "line 3", message: "username is empty" }];
    data.users = [sourceUser("ada"), sourceUser("bob"), sourceUser("ADA", { idpId: "uid=ada-2" })];
    const run = await sync(dirId);
    expect(run.state).toBe("succeeded");
    expect(run.counts).toMatchObject({ created: 2, failed: 2 });
    expect(run.errors).toEqual([
      { ref: "line 3", message: "username is empty" },
      { ref: "uid=ada-2", message: 'username "ADA" appears more than once in the source' },
    ]);
  });

  it("a record the store refuses inside a batch fails alone: the rest of the batch is written", async () => {
    const dirId = await createPullDirectory();
    // A value JSON cannot hold makes the batch's multi-row insert throw; each record is then retried alone.
    data.users = [sourceUser("ada"), sourceUser("bad", { rawAttributes: { big: 10n } }), sourceUser("cy")];
    const run = await sync(dirId);
    expect(run.counts).toMatchObject({ created: 2, failed: 1 });
    expect(run.errors).toEqual([{ ref: "uid=bad", message: expect.stringContaining("BigInt") }]);
    expect((await users(dirId)).map((u) => u.username)).toEqual(["ada", "cy"]);
    expect(await eventsOf(dirId, "dsync.user.created")).toHaveLength(2);
  });

  it("a wrong password fails the run, marks the directory invalid_credentials, and a good run clears it", async () => {
    const dirId = await createPullDirectory();
    data.failWith = new SourceError("invalid_credentials", "The LDAP server refused the bind DN and password");
    const run = await sync(dirId);
    expect(run).toMatchObject({
      state: "failed",
      failure: { reason: "invalid_credentials", message: "The LDAP server refused the bind DN and password" },
    });
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
      "invalid_credentials",
    );
    expect(await eventsOf(dirId, "connector.sync.failed")).toHaveLength(1);
    data.failWith = null;
    expect((await sync(dirId)).state).toBe("succeeded");
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
      "linked",
    );
  });

  it("one run per directory at a time: a second start answers 409", async () => {
    const dirId = await createPullDirectory();
    let open: () => void = () => {};
    data.gate = new Promise((resolve) => (open = resolve));
    data.users = [sourceUser("ada")];
    const first = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(first.statusCode).toBe(202);
    const second = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toMatchObject({ code: "sync_in_progress" });
    expect(second.json().message).toContain(first.json().id);
    open();
    await t.app.sync.idle();
    const history = await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs`, headers: admin });
    expect(history.json().data.map((r: { state: string }) => r.state)).toEqual(["succeeded"]);
  });

  it("syncs one user: created, updated, deactivated when the source lost them; 404 when nobody has them", async () => {
    const dirId = await createPullDirectory();
    data.users = [sourceUser("ada"), sourceUser("bob")];
    const one = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync/users/ADA`, headers: admin });
    expect(one.statusCode, one.body).toBe(200);
    expect(one.json()).toMatchObject({ mode: "user", username: "ADA", state: "succeeded", counts: { created: 1 } });
    expect((await users(dirId)).map((u) => u.username)).toEqual(["ada"]);
    data.users = [sourceUser("bob")];
    const gone = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync/users/ada`, headers: admin });
    expect(gone.json().counts).toMatchObject({ deactivated: 1 });
    const nobody = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync/users/zed`, headers: admin });
    expect(nobody.statusCode).toBe(404);
    expect(nobody.json().code).toBe("user_not_found");
  });

  it("a delta run reads only what changed and never removes", async () => {
    const dirId = await createPullDirectory();
    data.users = ["ada", "bob", "cy"].map((u) => sourceUser(u));
    await sync(dirId);
    data.users = [sourceUser("ada", { jobTitle: "CTO" }), sourceUser("bob")];
    data.changedUsernames = ["ada"];
    const run = await sync(dirId, { mode: "delta" });
    expect(run).toMatchObject({ mode: "delta", state: "succeeded" });
    expect(run.counts).toEqual({ created: 0, updated: 1, deactivated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect((await users(dirId)).every((u) => u.state === "active")).toBe(true);
  });

  it("keeps credentials sealed: never returned, never stored in plain text; PATCH keeps an omitted secret", async () => {
    const dirId = await createPullDirectory({ host: "ldap.test", password: "hunter2-very-secret" });
    const got = (await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json();
    expect(got.connector).toEqual({ host: "ldap.test", password_set: true });
    expect(JSON.stringify(got)).not.toContain("hunter2");
    expect(got.scim).toBeUndefined();
    const row = await t.storage.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(row.connector).not.toContain("hunter2");
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { host: "ldap2.test" } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().connector).toEqual({ host: "ldap2.test", password_set: true });
    await sync(dirId);
    expect(data.opened.at(-1)).toEqual({ host: "ldap2.test", password: "hunter2-very-secret" });
  });

  it("refuses bad connector settings with field errors, and connectors on ingest types", async () => {
    const bad = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: {
        organization_id: orgId,
        name: "x",
        type: "ldap",
        connector: { host: 5, schedule: "every tuesday", max_removal_percent: 150, removal: "shred" },
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["connector.host", "connector.max_removal_percent", "connector.removal", "connector.schedule"]);
    const ingest = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "x", type: "okta scim v2.0", connector: {} },
    });
    expect(ingest.statusCode).toBe(422);
    const missing = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "x", type: "ldap" },
    });
    expect(missing.statusCode).toBe(422);
    const unsupported = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "x", type: "google workspace", connector: {} },
    });
    expect(unsupported.statusCode).toBe(422);
  });

  it("ingest directories do not sync; another organization's key sees no run", async () => {
    const ingest = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "okta", type: "okta scim v2.0" },
    });
    const res = await t.app.inject({ method: "POST", url: `/directories/${ingest.json().id}/sync`, headers: admin });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("not_a_pull_directory");

    const dirId = await createPullDirectory();
    data.users = [sourceUser("ada")];
    await sync(dirId);
    const own = await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: bearer(orgKey) });
    expect(own.statusCode).toBe(200);
    const other = await createOrgWithKey(t.app, "Globex");
    for (const [method, url] of [
      ["GET", `/directories/${dirId}/sync`],
      ["GET", `/directories/${dirId}/syncs`],
      ["POST", `/directories/${dirId}/sync`],
      ["POST", `/directories/${dirId}/sync/users/ada`],
    ] as const) {
      const denied = await t.app.inject({ method, url, headers: bearer(other.key) });
      expect(denied.statusCode, `${method} ${url}`).toBe(404);
    }
  });

  it("the scheduler starts a due directory's run", async () => {
    const dirId = await createPullDirectory({ schedule: "10m" });
    data.users = [sourceUser("ada")];
    expect(await t.app.sync.startDue()).toBe(0);
    t.clock.advance(10 * 60_000 + 1);
    expect(await t.app.sync.startDue()).toBeGreaterThanOrEqual(1);
    await t.app.sync.idle();
    const run = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
    expect(run).toMatchObject({ trigger: "schedule", state: "succeeded", counts: { created: 1 } });
    // Not due again until the next interval.
    expect(await t.app.sync.startDue()).toBe(0);
  });
});
