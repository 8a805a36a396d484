import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";
import {
  createDirectoryStore,
  type DirectoryContext,
  type DirectoryStore,
  type GroupInput,
  NO_MEMBER_CHANGE,
  type UserInput,
} from "./index.js";

const MISSING_USER = "directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV";
const MISSING_GROUP = "directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV";

function userInput(username: string, overrides: Partial<UserInput> = {}): UserInput {
  return {
    username,
    idpId: `ext-${username}`,
    active: true,
    emails: [{ value: `${username}@example.com`, type: "work", primary: true }],
    firstName: "Ada",
    lastName: "Lovelace",
    jobTitle: null,
    rawAttributes: { userName: username, title: "Engineer" },
    ...overrides,
  };
}

const groupInput = (name: string, rawAttributes: Record<string, unknown> = {}): GroupInput => ({
  name,
  idpId: null,
  rawAttributes: { displayName: name, ...rawAttributes },
});

/** The store's named operations, each on both backends (the one-statement paths run on PostgreSQL only). */
describe.each(DIALECTS)("the store's operations on %s", (dialect) => {
  let t: TestApp;
  let store: DirectoryStore;
  let dir: DirectoryContext;

  const lastSeq = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.max("seq").as("m"))
          .executeTakeFirst()
      )?.m ?? 0,
    );
  const eventsSince = async (seq: number) =>
    (
      await t.storage.db
        .selectFrom("events")
        .select(["event", "data"])
        .where("directory_id", "=", dir.id)
        .where("seq", ">", seq)
        .orderBy("seq")
        .execute()
    ).map((e) => ({
      event: e.event,
      data: JSON.parse(e.data),
    }));
  const membersOf = async (groupId: string) =>
    (
      await t.storage.db
        .selectFrom("group_memberships")
        .select("user_id")
        .where("group_id", "=", groupId)
        .orderBy("user_id")
        .execute()
    ).map((m) => m.user_id);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    store = createDirectoryStore(t.deps);
    const org = await createOrganizationService(t.deps).create({ name: "Operations" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "ops", type: "generic scim v2.0" },
      null,
    );
    dir = { id: d.id, organizationId: org.id, deactivatedMembers: "hide" };
  });
  afterAll(async () => t?.close());

  it("a create and a change of members take as few statements as the backend allows", async () => {
    // Counted as results come back: every statement sent, the one-statement writes' included (begin and commit are not statements here).
    let statements = 0;
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements++;
        return args.result;
      },
    };
    const counted = createDirectoryStore({ ...t.deps, db: t.deps.db.withPlugin(counter) });
    const count = async (work: () => Promise<unknown>) => {
      statements = 0;
      await work();
      return statements;
    };
    await counted.users.create(dir, userInput("counted-first"));
    const created = await counted.users.create(dir, userInput("counted"));
    // PostgreSQL: the user, its email and its event in one statement (the mapping cached).
    // SQLite: the mapping, the user, its email, its event, in one transaction.
    expect(await count(() => counted.users.create(dir, userInput("counted-again")))).toBe(
      dialect === "postgres" ? 1 : 4,
    );
    const { group } = await counted.groups.create(dir, groupInput("Counted"));
    // PostgreSQL: the group as named, its candidates, one statement. SQLite: the locked group, the
    // members present, the users, the insert, the event, the version, and the roles' mapping.
    expect(
      await count(() => counted.groups.changeMembers(dir, group.id, { ...NO_MEMBER_CHANGE, add: [created.user.id] })),
    ).toBe(dialect === "postgres" ? 3 : 7);
  });

  it("users.patch applies to the user as stored and moves the version once; a stale ifMatch writes nothing", async () => {
    const { user } = await store.users.create(dir, userInput("patched"));
    const patched = await store.users.patch(
      dir,
      user.id,
      (current) => userInput(current.username, { jobTitle: `${current.first_name} the first` }),
      { ifMatch: 1 },
    );
    expect(patched).toMatchObject({ version: 2, user: { job_title: "Ada the first" } });
    const seq = await lastSeq();
    await expect(
      store.users.patch(dir, user.id, () => userInput("patched", { jobTitle: "never" }), { ifMatch: 1 }),
    ).rejects.toMatchObject({ code: "version_mismatch" });
    expect(await eventsSince(seq)).toEqual([]);
    expect((await store.users.get(dir.id, user.id))?.version).toBe(2);
  });

  it("users.deactivate changes the state alone, says so once, and hides the user's memberships", async () => {
    const { user } = await store.users.create(
      dir,
      userInput("leaving", { emails: [{ value: "Leaving@Example.com", type: null, primary: false }] }),
    );
    const { group } = await store.groups.create(dir, groupInput("Leavers"), [user.id]);
    const seq = await lastSeq();
    const { user: after, version } = await store.users.deactivate(dir, user.id);
    expect(version).toBe(2);
    expect(after).toEqual({ ...user, state: "inactive", updated_at: after.updated_at });
    const events = await eventsSince(seq);
    expect(events.map((e) => e.event)).toEqual(["dsync.user.updated", "dsync.group.user_removed"]);
    expect(events[0]?.data.previous_attributes).toEqual({ state: "active" });
    expect(events[1]?.data.group.id).toBe(group.id);
    // Already inactive: nothing to write.
    const again = await store.users.deactivate(dir, user.id);
    expect(again.version).toBe(2);
    expect(await eventsSince(seq)).toHaveLength(2);
    await expect(store.users.deactivate(dir, MISSING_USER)).rejects.toMatchObject({ code: "not_found" });
  });

  it("users.createMany writes all or none", async () => {
    await store.users.create(dir, userInput("taken"));
    const seq = await lastSeq();
    await expect(store.users.createMany(dir, [userInput("many-a"), userInput("TAKEN")])).rejects.toMatchObject({
      code: "uniqueness",
    });
    expect(await eventsSince(seq)).toEqual([]);
    const created = await store.users.createMany(dir, [userInput("many-a"), userInput("many-b")]);
    expect(created.map((u) => u.username)).toEqual(["many-a", "many-b"]);
    expect((await eventsSince(seq)).map((e) => e.event)).toEqual(["dsync.user.created", "dsync.user.created"]);
  });

  it("users.replace and users.remove answer not_found and version_mismatch as codes", async () => {
    await expect(store.users.replace(dir, MISSING_USER, userInput("nobody"))).rejects.toMatchObject({
      code: "not_found",
      subject: { kind: "user", id: MISSING_USER },
    });
    const { user } = await store.users.create(dir, userInput("removable"));
    await expect(store.users.remove(dir, user.id, { ifMatch: 7 })).rejects.toMatchObject({ code: "version_mismatch" });
    await store.users.remove(dir, user.id, { ifMatch: 1 });
    await expect(store.users.remove(dir, user.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("groups.patch changes attributes and members in one version, applied to the group as stored", async () => {
    const a = (await store.users.create(dir, userInput("gp-a"))).user;
    const b = (await store.users.create(dir, userInput("gp-b"))).user;
    const { group } = await store.groups.create(dir, groupInput("Patched"), [a.id]);
    const seq = await lastSeq();
    const result = await store.groups.patch(
      dir,
      group.id,
      (current) => ({
        input: groupInput(`${current.name} twice`),
        members: { ...NO_MEMBER_CHANGE, add: [b.id], remove: [a.id] },
      }),
      { ifMatch: 1 },
    );
    expect(result).toMatchObject({ version: 2, group: { name: "Patched twice" } });
    expect(await membersOf(group.id)).toEqual([b.id]);
    expect((await eventsSince(seq)).map((e) => e.event).sort()).toEqual([
      "dsync.group.updated",
      "dsync.group.user_added",
      "dsync.group.user_removed",
    ]);
  });

  it("groups.patch of members alone moves the version once and leaves the attributes", async () => {
    const a = (await store.users.create(dir, userInput("gm-a"))).user;
    const { group } = await store.groups.create(dir, groupInput("Members only", { description: "kept" }));
    const result = await store.groups.patch(dir, group.id, (current) => ({
      input: { name: current.name, idpId: current.idp_id, rawAttributes: current.raw_attributes },
      members: { ...NO_MEMBER_CHANGE, add: [a.id] },
    }));
    expect(result.version).toBe(2);
    expect(result.group).toEqual({ ...group, updated_at: result.group.updated_at });
    expect(await membersOf(group.id)).toEqual([a.id]);
    // Nothing to change: the version stays.
    const same = await store.groups.patch(dir, group.id, (current) => ({
      input: { name: current.name, idpId: current.idp_id, rawAttributes: current.raw_attributes },
      members: { ...NO_MEMBER_CHANGE, add: [a.id] },
    }));
    expect(same.version).toBe(2);
  });

  it("groups.patch and groups.changeMembers refuse a stale ifMatch and an unknown group, writing nothing", async () => {
    const a = (await store.users.create(dir, userInput("gs-a"))).user;
    const { group } = await store.groups.create(dir, groupInput("Stale"));
    await store.groups.replace(dir, group.id, groupInput("Stale", { description: "moved" }), NO_MEMBER_CHANGE);
    const seq = await lastSeq();
    const keep = (current: { name: string; idp_id: string | null; raw_attributes: Record<string, unknown> }) => ({
      name: current.name,
      idpId: current.idp_id,
      rawAttributes: current.raw_attributes,
    });
    await expect(
      store.groups.patch(
        dir,
        group.id,
        (current) => ({ input: keep(current), members: { ...NO_MEMBER_CHANGE, add: [a.id] } }),
        { ifMatch: 1 },
      ),
    ).rejects.toMatchObject({ code: "version_mismatch" });
    await expect(
      store.groups.changeMembers(dir, group.id, { ...NO_MEMBER_CHANGE, add: [a.id] }, { ifMatch: 1 }),
    ).rejects.toMatchObject({ code: "version_mismatch" });
    await expect(
      store.groups.changeMembers(dir, MISSING_GROUP, { ...NO_MEMBER_CHANGE, add: [a.id] }),
    ).rejects.toMatchObject({ code: "not_found", subject: { kind: "group" } });
    await expect(
      store.groups.patch(dir, MISSING_GROUP, (current) => ({ input: keep(current), members: NO_MEMBER_CHANGE })),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await eventsSince(seq)).toEqual([]);
    expect(await membersOf(group.id)).toEqual([]);
  });

  it("groups.changeMembers without ifMatch lands every one of concurrent changes, one version each", async () => {
    const users = [];
    for (let i = 0; i < 8; i++) users.push((await store.users.create(dir, userInput(`gc-${i}`))).user);
    const { group } = await store.groups.create(dir, groupInput("Concurrent"));
    await Promise.all(
      users.map((u) => store.groups.changeMembers(dir, group.id, { ...NO_MEMBER_CHANGE, add: [u.id] })),
    );
    expect(await membersOf(group.id)).toEqual(users.map((u) => u.id).sort());
    expect((await store.groups.get(dir.id, group.id))?.version).toBe(1 + users.length);
  });

  it("groups.replace sets the attributes and the whole member list", async () => {
    const a = (await store.users.create(dir, userInput("gr-a"))).user;
    const b = (await store.users.create(dir, userInput("gr-b"))).user;
    const { group } = await store.groups.create(dir, groupInput("Replaced"), [a.id]);
    const result = await store.groups.replace(
      dir,
      group.id,
      groupInput("Replaced", { description: "new" }),
      { ...NO_MEMBER_CHANGE, replaceAll: [b.id] },
      { ifMatch: 1 },
    );
    expect(result).toMatchObject({
      version: 2,
      group: { raw_attributes: { displayName: "Replaced", description: "new" } },
    });
    expect(await membersOf(group.id)).toEqual([b.id]);
    await store.groups.create(dir, groupInput("Other name"));
    await expect(store.groups.replace(dir, group.id, groupInput("OTHER NAME"), NO_MEMBER_CHANGE)).rejects.toMatchObject(
      { code: "uniqueness" },
    );
  });

  it("store.batch commits once: a failed operation undoes only itself, a throw out of the batch undoes all", async () => {
    await store.users.create(dir, userInput("batch-taken"));
    const outcomes = await store.batch(async (tx) => {
      const results: string[] = [];
      for (const name of ["batch-a", "BATCH-TAKEN", "batch-b"]) {
        try {
          await tx.users.create(dir, userInput(name));
          results.push("created");
        } catch (error) {
          results.push((error as { code: string }).code);
        }
      }
      return results;
    });
    expect(outcomes).toEqual(["created", "uniqueness", "created"]);
    const names = async () =>
      (
        await t.storage.db
          .selectFrom("directory_users")
          .select("username")
          .where("directory_id", "=", dir.id)
          .where("username", "like", "batch-%")
          .orderBy("username")
          .execute()
      ).map((r) => r.username);
    expect(await names()).toEqual(["batch-a", "batch-b", "batch-taken"]);
    const seq = await lastSeq();
    await expect(
      store.batch(async (tx) => {
        await tx.users.create(dir, userInput("batch-c"));
        throw new Error("stop");
      }),
    ).rejects.toThrow("stop");
    expect(await names()).toEqual(["batch-a", "batch-b", "batch-taken"]);
    expect(await eventsSince(seq)).toEqual([]);
  });
});
