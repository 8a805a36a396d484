import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { defaultConnectorKinds } from "../connectors/registry.js";

const admin = bearer(ADMIN_KEY);

const FOUR_USERS = [
  "username,email,first_name,last_name,state,groups",
  "ada,ada@acme.com,Ada,Lovelace,active,Eng;Admins",
  "bob,bob@acme.com,Bob,Builder,active,Eng",
  "cy,cy@acme.com,Cy,Young,active,Eng;Sales",
  "dee,dee@acme.com,Dee,Dee,active,Sales",
].join("\n");
/** The same export cut down to one row by mistake (ada also joined Sales). */
const ONE_ROW = [
  "username,email,first_name,last_name,state,groups",
  "ada,ada@acme.com,Ada,Lovelace,active,Eng;Admins;Sales",
].join("\n");

describe.each(DIALECTS)("the mass-removal guard on %s", (dialect) => {
  let t: TestApp;
  let data: MemoryData;
  let orgId: string;

  beforeAll(async () => {
    data = memoryData();
    const connectorKinds = { ...defaultConnectorKinds(), ldap: memoryConnector(data) };
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "guard-test-secret-key-0123456789" },
      { logger: false, connectorKinds },
    );
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  async function createDirectory(type: "csv" | "ldap", connector: Record<string, unknown> = {}): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: type, type, connector },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function finished(dirId: string) {
    await t.app.sync.idle();
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  }

  async function upload(dirId: string, csv: string) {
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(res.statusCode, res.body).toBe(202);
    return finished(dirId);
  }

  async function sync(dirId: string, body: Record<string, unknown> = {}) {
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/sync`,
      headers: admin,
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(202);
    return finished(dirId);
  }

  async function confirm(dirId: string, runId: string) {
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${runId}/confirm`,
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(202);
    return finished(dirId);
  }

  /** Everything the guard must leave alone: users, groups, memberships and events, as comparable values. */
  async function snapshot(dirId: string) {
    const { db } = t.storage;
    const users = await db
      .selectFrom("directory_users")
      .select(["id", "username", "state", "version", "updated_at"])
      .where("directory_id", "=", dirId)
      .orderBy("id")
      .execute();
    const groups = await db
      .selectFrom("directory_groups")
      .select(["id", "name", "version"])
      .where("directory_id", "=", dirId)
      .orderBy("id")
      .execute();
    const memberships = await db
      .selectFrom("group_memberships")
      .innerJoin("directory_users", "directory_users.id", "group_memberships.user_id")
      .innerJoin("directory_groups", "directory_groups.id", "group_memberships.group_id")
      .select(["directory_users.username", "directory_groups.name"])
      .where("group_memberships.directory_id", "=", dirId)
      .orderBy("directory_users.username")
      .orderBy("directory_groups.name")
      .execute();
    const events = await db
      .selectFrom("events")
      .select(["id", "event"])
      .where("directory_id", "=", dirId)
      .where("event", "not like", "connector.%")
      .orderBy("seq")
      .execute();
    return { users, groups, memberships: memberships.map((m) => `${m.username}:${m.name}`), events };
  }

  async function eventsOf(dirId: string, type: string) {
    const rows = await t.storage.db
      .selectFrom("events")
      .select("data")
      .where("directory_id", "=", dirId)
      .where("event", "=", type)
      .orderBy("seq")
      .execute();
    return rows.map((r) => JSON.parse(r.data));
  }

  it("CSV: a four-user export re-uploaded with one row is held and changes nothing: no user, group, membership or event", async () => {
    const dirId = await createDirectory("csv");
    expect(await upload(dirId, FOUR_USERS)).toMatchObject({ state: "succeeded", counts: { created: 4 } });
    const before = await snapshot(dirId);
    expect(before.memberships).toEqual(["ada:Admins", "ada:Eng", "bob:Eng", "cy:Eng", "cy:Sales", "dee:Sales"]);

    const held = await upload(dirId, ONE_ROW);
    expect(held).toMatchObject({ state: "needs_confirmation", pending_removals: 3, pending_membership_removals: 4 });
    expect(await snapshot(dirId)).toEqual(before);
    // What confirming would do, listed as a dry run lists it.
    expect(held.counts).toMatchObject({ deactivated: 3, unchanged: 1 });
    expect(held.changes).toEqual(
      expect.arrayContaining([
        { action: "update", kind: "group", ref: "Sales" },
        { action: "deactivate", kind: "user", ref: "bob" },
      ]),
    );
    const completed = await eventsOf(dirId, "connector.sync.completed");
    expect(completed.at(-1)).toMatchObject({
      id: held.id,
      state: "needs_confirmation",
      pending_removals: 3,
      pending_membership_removals: 4,
    });
  });

  it("CSV: confirming the held upload applies the whole change, each event exactly once", async () => {
    const dirId = await createDirectory("csv");
    await upload(dirId, FOUR_USERS);
    const before = await snapshot(dirId);
    const held = await upload(dirId, ONE_ROW);
    expect(held.state).toBe("needs_confirmation");

    const done = await confirm(dirId, held.id);
    expect(done, JSON.stringify(done.failure)).toMatchObject({
      id: held.id,
      state: "succeeded",
      pending_removals: 0,
      changes: null,
    });
    expect(done.counts).toEqual({ created: 0, updated: 0, deactivated: 3, deleted: 0, unchanged: 1, failed: 0 });
    expect(done.group_counts).toMatchObject({ updated: 2, unchanged: 1, deleted: 0 });
    const after = await snapshot(dirId);
    expect(after.memberships).toEqual(["ada:Admins", "ada:Eng", "ada:Sales"]);
    expect(after.users.map((u) => [u.username, u.state])).toEqual(
      before.users.map((u) => [u.username, u.username === "ada" ? "active" : "inactive"]),
    );
    const removed = (await eventsOf(dirId, "dsync.group.user_removed")).map(
      (e) => `${e.user.username}:${e.group.name}`,
    );
    expect(removed.sort()).toEqual(["bob:Eng", "cy:Eng", "cy:Sales", "dee:Sales"]);
    const added = (await eventsOf(dirId, "dsync.group.user_added"))
      .slice(before.memberships.length)
      .map((e) => `${e.user.username}:${e.group.name}`);
    expect(added).toEqual(["ada:Sales"]);
    expect((await eventsOf(dirId, "dsync.user.updated")).map((e) => `${e.username}:${e.state}`).sort()).toEqual([
      "bob:inactive",
      "cy:inactive",
      "dee:inactive",
    ]);
  });

  it("CSV: a new upload instead of confirming leaves the data as it was, and the held run can no longer be confirmed", async () => {
    const dirId = await createDirectory("csv");
    await upload(dirId, FOUR_USERS);
    const before = await snapshot(dirId);
    const held = await upload(dirId, ONE_ROW);
    // The same mistake again: held again, still nothing changed.
    const heldAgain = await upload(dirId, ONE_ROW);
    expect(heldAgain).toMatchObject({ state: "needs_confirmation", pending_membership_removals: 4 });
    expect(await snapshot(dirId)).toEqual(before);

    const fixed = await upload(dirId, FOUR_USERS);
    expect(fixed).toMatchObject({
      state: "succeeded",
      counts: { unchanged: 4, created: 0, deactivated: 0 },
      group_counts: { unchanged: 3 },
    });
    expect(await snapshot(dirId)).toEqual(before);
    const stale = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${held.id}/confirm`,
      headers: admin,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe("superseded");
  });

  it("holds a run that keeps every user but would end most memberships, until confirmed", async () => {
    const dirId = await createDirectory("ldap");
    const names = Array.from({ length: 10 }, (_, i) => `user${i}`);
    data.users = names.map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", names), sourceGroup("ops", names)];
    await sync(dirId);
    const before = await snapshot(dirId);
    expect(before.memberships).toHaveLength(20);

    // A wrong group filter: ops lost 8 members, 40 % of the memberships.
    data.groups = [sourceGroup("eng", names), sourceGroup("ops", names.slice(0, 2))];
    const held = await sync(dirId);
    expect(held).toMatchObject({ state: "needs_confirmation", pending_removals: 0, pending_membership_removals: 8 });
    expect(await snapshot(dirId)).toEqual(before);

    const done = await confirm(dirId, held.id);
    expect(done).toMatchObject({ state: "succeeded", group_counts: { updated: 1, unchanged: 1 } });
    expect((await snapshot(dirId)).memberships).toHaveLength(12);
    expect(await eventsOf(dirId, "dsync.group.user_removed")).toHaveLength(8);
  });

  it("holds a run whose source lost every group: the groups and their memberships stay until confirmed", async () => {
    const dirId = await createDirectory("ldap");
    data.users = ["ada", "bob", "cy"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada", "bob"]), sourceGroup("ops", ["cy"]), sourceGroup("empty", [])];
    await sync(dirId);
    const before = await snapshot(dirId);
    data.groups = [];
    const held = await sync(dirId);
    expect(held).toMatchObject({
      state: "needs_confirmation",
      pending_removals: 0,
      pending_membership_removals: 3,
      group_counts: { deleted: 3 },
    });
    expect(await snapshot(dirId)).toEqual(before);
    const done = await confirm(dirId, held.id);
    expect(done).toMatchObject({ state: "succeeded", group_counts: { deleted: 3 } });
    expect((await snapshot(dirId)).groups).toEqual([]);
  });

  it("a membership change within the limit is not held", async () => {
    const dirId = await createDirectory("ldap");
    const names = Array.from({ length: 10 }, (_, i) => `user${i}`);
    data.users = names.map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", names)];
    await sync(dirId);
    data.groups = [sourceGroup("eng", names.slice(0, 8))];
    expect(await sync(dirId)).toMatchObject({ state: "succeeded", group_counts: { updated: 1 } });
    expect(await eventsOf(dirId, "dsync.group.user_removed")).toHaveLength(2);
  });

  it("a delta run that would end most memberships is held, keeps its watermark, and applies when confirmed", async () => {
    const dirId = await createDirectory("ldap");
    const names = Array.from({ length: 5 }, (_, i) => `user${i}`);
    data.users = names.map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", names)];
    await sync(dirId);
    const before = await snapshot(dirId);
    const watermark = async () =>
      (
        await t.storage.db
          .selectFrom("directory_syncs")
          .select("watermark")
          .where("directory_id", "=", dirId)
          .executeTakeFirstOrThrow()
      ).watermark;
    expect(await watermark()).toBe("w1");

    data.watermark = "w2";
    data.changedUsernames = ["user0"];
    data.users = data.users.map((u) => (u.username === "user0" ? { ...u, jobTitle: "CTO" } : u));
    data.groups = [sourceGroup("eng", ["user0"])];
    const held = await sync(dirId, { mode: "delta" });
    expect(held).toMatchObject({
      mode: "delta",
      state: "needs_confirmation",
      pending_removals: 0,
      pending_membership_removals: 4,
      counts: { updated: 1 },
    });
    expect(await snapshot(dirId)).toEqual(before);
    // The next delta run must still see what the held one did not apply.
    expect(await watermark()).toBe("w1");

    const done = await confirm(dirId, held.id);
    expect(done).toMatchObject({ state: "succeeded", mode: "delta", counts: { updated: 1 } });
    expect((await snapshot(dirId)).memberships).toEqual(["user0:eng"]);
    expect(await watermark()).toBe("w2");
  });

  it("a delta run whose source reports most users deleted is held, changes nothing, and deactivates them when confirmed", async () => {
    const dirId = await createDirectory("ldap");
    const names = Array.from({ length: 5 }, (_, i) => `user${i}`);
    data.users = names.map((u) => sourceUser(u));
    await sync(dirId);
    const before = await snapshot(dirId);
    data.changedUsernames = [];
    data.removed = names.slice(0, 3).map((u) => ({ kind: "user", idpId: `uid=${u}` }));
    data.users = data.users.slice(3);
    const held = await sync(dirId, { mode: "delta" });
    expect(held).toMatchObject({ mode: "delta", state: "needs_confirmation", pending_removals: 3 });
    expect(await snapshot(dirId)).toEqual(before);
    const done = await confirm(dirId, held.id);
    expect(done).toMatchObject({ state: "succeeded", mode: "delta", counts: { deactivated: 3 } });
    const states = (await snapshot(dirId)).users.map((u) => `${u.username}:${u.state}`).sort();
    expect(states).toEqual(["user0:inactive", "user1:inactive", "user2:inactive", "user3:active", "user4:active"]);
  });
});
