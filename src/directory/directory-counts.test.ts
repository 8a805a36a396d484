import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { pushGroup, pushUser, setActive } from "../../test/support/directory-fixtures.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { readDirectoryTotal } from "./directory-counts.js";
import { createDirectoryStore, type UserInput } from "./index.js";

const admin = bearer(ADMIN_KEY);
const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

const userInput = (username: string): UserInput => ({
  username,
  idpId: null,
  active: true,
  emails: [{ value: `${username}@example.com`, type: "work", primary: true }],
  firstName: null,
  lastName: null,
  jobTitle: null,
  rawAttributes: { userName: username },
});

/**
 * `directory_counts` (migration 0022) against the rows it counts, after every kind of write: each
 * trigger missing (insert, delete, state change, a move, a directory's slot rows) fails one of these.
 */
describe.each(DIALECTS)("directory_counts on %s", (dialect) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "counts-test-secret-key-0123456789" });
  });
  afterAll(async () => t?.close());

  /** What the directory's rows say, counted the slow way. */
  async function counted(dirId: string) {
    const { db } = t.storage;
    const n = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
    const users = db
      .selectFrom("directory_users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("directory_id", "=", dirId);
    return {
      users: await n(users.executeTakeFirst()),
      activeUsers: await n(users.where("state", "=", "active").executeTakeFirst()),
      groups: await n(
        db
          .selectFrom("directory_groups")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("directory_id", "=", dirId)
          .executeTakeFirst(),
      ),
    };
  }

  /** The kept totals equal both the rows and what the test expects. */
  async function expectTotals(dirId: string, expected: { users: number; activeUsers: number; groups: number }) {
    expect(await counted(dirId)).toEqual(expected);
    const { changes: _changes, ...kept } = await readDirectoryTotal(t.storage.db, dirId);
    expect(kept).toEqual(expected);
  }

  const rowsOf = async (id: string) =>
    (await t.storage.db.selectFrom("directory_counts").selectAll().where("directory_id", "=", id).execute()).length;

  it("gives a new directory its slot rows at zero, and the directory object and SCIM lists read them", async () => {
    const dir = await createScimDirectory(t.app);
    expect(await rowsOf(dir.id)).toBe(t.storage.caps.directoryCounts.slots);
    await expectTotals(dir.id, { users: 0, activeUsers: 0, groups: 0 });

    // Totals written behind the triggers' back show through every reader: they read the kept counts.
    await sql`update directory_counts set users = users + 7, active_users = active_users + 5, groups = groups + 2 where directory_id = ${dir.id} and slot = 0`.execute(
      t.storage.db,
    );
    const scim = scimClient(t.app, dir);
    expect((await scim("GET", "/Users?count=1")).json().totalResults).toBe(7);
    expect((await scim("GET", "/Users?count=0")).json().totalResults).toBe(7);
    expect((await scim("GET", "/Groups?count=1")).json().totalResults).toBe(2);
    // A filter still counts the rows it matches.
    expect((await scim("GET", `/Users?filter=${encodeURIComponent('userName sw "a"')}`)).json().totalResults).toBe(0);
    const object = (await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: admin })).json();
    expect(object.metadata).toEqual({ users: { active: 5, inactive: 2 }, groups: 2 });
    await sql`update directory_counts set users = users - 7, active_users = active_users - 5, groups = groups - 2 where directory_id = ${dir.id} and slot = 0`.execute(
      t.storage.db,
    );
  });

  it("stays exact through SCIM creates, state changes, deletes, and group creates and deletes", async () => {
    const dir = await createScimDirectory(t.app);
    const scim = scimClient(t.app, dir);
    const ada = await pushUser(scim, "ada@example.com");
    const bob = await pushUser(scim, "bob@example.com");
    await pushUser(scim, "cy@example.com", { active: false });
    await expectTotals(dir.id, { users: 3, activeUsers: 2, groups: 0 });

    await setActive(scim, bob, false);
    await expectTotals(dir.id, { users: 3, activeUsers: 1, groups: 0 });
    await setActive(scim, bob, true);
    await expectTotals(dir.id, { users: 3, activeUsers: 2, groups: 0 });

    const eng = await pushGroup(scim, "Eng", [ada, bob]);
    await pushGroup(scim, "Sales", [bob]);
    await expectTotals(dir.id, { users: 3, activeUsers: 2, groups: 2 });

    expect((await scim("DELETE", `/Users/${bob}`)).statusCode).toBe(204);
    expect((await scim("DELETE", `/Groups/${eng}`)).statusCode).toBe(204);
    await expectTotals(dir.id, { users: 2, activeUsers: 1, groups: 1 });

    expect((await scim("GET", "/Users")).json().totalResults).toBe(2);
    const object = (await t.app.inject({ method: "GET", url: `/directories/${dir.id}`, headers: admin })).json();
    expect(object.metadata).toEqual({ users: { active: 1, inactive: 1 }, groups: 1 });
  });

  it("stays exact through SCIM Bulk", async () => {
    const dir = await createScimDirectory(t.app);
    const scim = scimClient(t.app, dir);
    const keep = await pushUser(scim, "keep@example.com");
    const res = await scim("POST", "/Bulk", {
      schemas: [BULK],
      Operations: [
        {
          method: "POST",
          path: "/Users",
          bulkId: "u1",
          data: { schemas: [SCHEMA.user], userName: "bulk1@example.com" },
        },
        {
          method: "POST",
          path: "/Users",
          bulkId: "u2",
          data: { schemas: [SCHEMA.user], userName: "bulk2@example.com" },
        },
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g1",
          data: { schemas: [SCHEMA.group], displayName: "Bulk", members: [{ value: "bulkId:u1" }] },
        },
        {
          method: "PATCH",
          path: "/Users/bulkId:u2",
          data: { schemas: [SCHEMA.patch], Operations: [{ op: "replace", value: { active: false } }] },
        },
        { method: "DELETE", path: `/Users/${keep}` },
        // Refused (taken userName): counts nothing.
        {
          method: "POST",
          path: "/Users",
          bulkId: "dup",
          data: { schemas: [SCHEMA.user], userName: "bulk1@example.com" },
        },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().Operations.map((o: { status: string }) => o.status)).toEqual([
      "201",
      "201",
      "201",
      "200",
      "204",
      "409",
    ]);
    await expectTotals(dir.id, { users: 2, activeUsers: 1, groups: 1 });
  });

  it("stays exact through a sync run's writes: creates, deactivations, deletions, groups", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Synced");
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: {
        organization_id: orgId,
        name: "csv",
        type: "csv",
        connector: { removal: "delete", max_removal_percent: 100 },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dirId = created.json().id as string;
    const upload = async (csv: string) => {
      const res = await t.app.inject({
        method: "POST",
        url: `/directories/${dirId}/csv`,
        headers: { ...admin, "content-type": "text/csv" },
        payload: csv,
      });
      expect(res.statusCode, res.body).toBe(202);
      await t.app.sync.idle();
      return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
    };
    const head = "username,email,first_name,last_name,state,groups";
    expect(
      await upload(
        [
          head,
          "ada,ada@acme.com,Ada,L,active,Eng;Admins",
          "bob,bob@acme.com,Bob,B,active,Eng",
          "cy,cy@acme.com,Cy,Y,active,Sales",
          "dee,dee@acme.com,Dee,D,inactive,Sales",
        ].join("\n"),
      ),
    ).toMatchObject({ state: "succeeded" });
    await expectTotals(dirId, { users: 4, activeUsers: 3, groups: 3 });
    // bob leaves the source (deleted), cy becomes inactive, Admins is gone.
    expect(
      await upload(
        [
          head,
          "ada,ada@acme.com,Ada,L,active,Eng",
          "cy,cy@acme.com,Cy,Y,inactive,Sales",
          "dee,dee@acme.com,Dee,D,inactive,Sales",
        ].join("\n"),
      ),
    ).toMatchObject({ state: "succeeded" });
    await expectTotals(dirId, { users: 3, activeUsers: 1, groups: 2 });
  });

  it("counts a user or group moved to another directory in its new directory", async () => {
    const from = await createScimDirectory(t.app);
    const to = await createScimDirectory(t.app);
    const scim = scimClient(t.app, from);
    const user = await pushUser(scim, "mover@example.com");
    const group = await pushGroup(scim, "Movers");
    // The store never moves rows; the triggers count one that moves all the same.
    await t.storage.db.updateTable("directory_users").set({ directory_id: to.id }).where("id", "=", user).execute();
    await t.storage.db.updateTable("directory_groups").set({ directory_id: to.id }).where("id", "=", group).execute();
    await expectTotals(from.id, { users: 0, activeUsers: 0, groups: 0 });
    await expectTotals(to.id, { users: 1, activeUsers: 1, groups: 1 });
  });

  it("moves `changes` on every insert, delete and move of a user or group, never on a state change", async () => {
    const dir = await createScimDirectory(t.app);
    const other = await createScimDirectory(t.app);
    const scim = scimClient(t.app, dir);
    const changes = async () => (await readDirectoryTotal(t.storage.db, dir.id)).changes;
    const ada = await pushUser(scim, "ada@example.com");
    const bob = await pushUser(scim, "bob@example.com");
    const group = await pushGroup(scim, "Eng", [ada]);
    expect(await changes()).toBe(3);
    await setActive(scim, ada, false);
    expect(await changes()).toBe(3);
    expect((await scim("DELETE", `/Users/${ada}`)).statusCode).toBe(204);
    expect((await scim("DELETE", `/Groups/${group}`)).statusCode).toBe(204);
    expect(await changes()).toBe(5);
    await t.storage.db.updateTable("directory_users").set({ directory_id: other.id }).where("id", "=", bob).execute();
    expect(await changes()).toBe(6);
  });

  it("stays exact through 50 concurrent creates over the pool's connections", async () => {
    const dir = await createScimDirectory(t.app);
    const store = createDirectoryStore(t.deps);
    const context = { id: dir.id, organizationId: dir.orgId, deactivatedMembers: "hide" as const };
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.users.create(context, userInput(`parallel-${i}`))));
    await expectTotals(dir.id, { users: 50, activeUsers: 50, groups: 0 });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.groups.create(context, { name: `g${i}`, idpId: null, rawAttributes: {} }),
      ),
    );
    await expectTotals(dir.id, { users: 50, activeUsers: 50, groups: 10 });
    if (dialect === "postgres") {
      // Several connections wrote, each to its own slot: more than one row holds users.
      const used = await t.storage.db
        .selectFrom("directory_counts")
        .select("slot")
        .where("directory_id", "=", dir.id)
        .where("users", "<>", 0)
        .execute();
      expect(used.length).toBeGreaterThan(1);
    }
  });

  it.skipIf(dialect !== "postgres")(
    "counts a state change or a group's create and delete at the commit (PostgreSQL: a slot is the last lock they take)",
    async () => {
      const dir = await createScimDirectory(t.app);
      const store = createDirectoryStore(t.deps);
      const context = { id: dir.id, organizationId: dir.orgId, deactivatedMembers: "hide" as const };
      const { user } = await store.users.create(context, userInput("pending"));
      const { group: doomed } = await store.groups.create(context, { name: "doomed", idpId: null, rawAttributes: {} });
      await store.batch(async (tx) => {
        await tx.users.deactivate(context, user.id);
        await tx.groups.create(context, { name: "pending", idpId: null, rawAttributes: {} }, [user.id]);
        await tx.groups.remove(context, doomed.id);
        // From another connection, while the batch is open: every row of the directory is free.
        const free = await t.storage.db
          .selectFrom("directory_counts")
          .select("slot")
          .where("directory_id", "=", dir.id)
          .forUpdate()
          .noWait()
          .execute();
        expect(free).toHaveLength(t.storage.caps.directoryCounts.slots);
      });
      await expectTotals(dir.id, { users: 1, activeUsers: 0, groups: 1 });
    },
  );

  it("leaves no rows behind when a directory is purged, or its organization deleted", async () => {
    const purged = await createScimDirectory(t.app);
    const scim = scimClient(t.app, purged);
    await pushGroup(scim, "Doomed", [await pushUser(scim, "doomed@example.com")]);
    const cascaded = await createScimDirectory(t.app);
    await pushUser(scimClient(t.app, cascaded), "org-gone@example.com");
    for (const dir of [purged, cascaded])
      expect((await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: admin })).statusCode).toBe(
        202,
      );
    // Deleted but restorable: its counts stay, as its users do.
    await expectTotals(purged.id, { users: 1, activeUsers: 1, groups: 1 });
    t.clock.advance((t.config.restoreDays + 1) * 86_400_000);
    const orgDelete = await t.app.inject({ method: "DELETE", url: `/organizations/${cascaded.orgId}`, headers: admin });
    expect(orgDelete.statusCode, orgDelete.body).toBeLessThan(300);
    expect(await rowsOf(cascaded.id)).toBe(0);
    expect(await rowsOf(purged.id)).toBe(t.storage.caps.directoryCounts.slots);
    expect(await createDirectoryService(t.deps).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await rowsOf(purged.id)).toBe(0);
  });
});
