import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { StoreError } from "./store-errors.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";
import {
  createDirectoryStore,
  type DirectoryContext,
  type DirectoryStore,
  NO_MEMBER_CHANGE,
  type UserInput,
} from "./index.js";

function userInput(username: string, overrides: Partial<UserInput> = {}): UserInput {
  return {
    username,
    idpId: `ext-${username}`,
    active: true,
    emails: [{ value: `${username}@example.com`, type: "work", primary: true }],
    firstName: "Ada",
    lastName: "Lovelace",
    jobTitle: null,
    rawAttributes: { userName: username },
    ...overrides,
  };
}

describe.each(DIALECTS)("the directory store on %s", (dialect) => {
  let t: TestApp;
  let store: DirectoryStore;
  let dir: DirectoryContext;

  const eventsSince = async (seq: number) =>
    (
      await t.storage.db
        .selectFrom("events")
        .select(["seq", "event", "data"])
        .where("directory_id", "=", dir.id)
        .where("seq", ">", seq)
        .orderBy("seq")
        .execute()
    ).map((e) => ({
      event: e.event,
      data: JSON.parse(e.data),
    }));
  const lastSeq = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.max("seq").as("m"))
          .executeTakeFirst()
      )?.m ?? 0,
    );

  beforeAll(async () => {
    t = await createTestApp(dialect);
    store = createDirectoryStore(t.deps);
    const org = await createOrganizationService(t.deps).create({ name: "Store" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "d", type: "generic scim v2.0" },
      null,
    );
    dir = { id: d.id, organizationId: org.id, deactivatedMembers: "hide" };
  });
  afterAll(async () => t?.close());

  it("creates a user with its emails and writes dsync.user.created", async () => {
    const seq = await lastSeq();
    const { user, version } = await store.users.create(dir, userInput("ada"));
    expect(version).toBe(1);
    expect(user).toMatchObject({
      object: "directory_user",
      username: "ada",
      email: "ada@example.com",
      state: "active",
      idp_id: "ext-ada",
      directory_id: dir.id,
    });
    expect(await eventsSince(seq)).toEqual([{ event: "dsync.user.created", data: user }]);
  });

  it("refuses a second userName that differs only in case, writing nothing", async () => {
    const seq = await lastSeq();
    await expect(store.users.create(dir, userInput("ADA"))).rejects.toMatchObject({ code: "uniqueness" });
    expect(await eventsSince(seq)).toEqual([]);
  });

  it("gives one winner when two creates of one userName race", async () => {
    const results = await Promise.allSettled([
      store.users.create(dir, userInput("racer")),
      store.users.create(dir, userInput("Racer")),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected");
    expect((failed as PromiseRejectedResult).reason).toBeInstanceOf(StoreError);
    expect((failed as PromiseRejectedResult).reason.code).toBe("uniqueness");
  });

  it("indexes every email of a new user, however many it has", async () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      value: `m${i}@example.com`,
      type: i === 0 ? "work" : "other",
      primary: i === 3,
    }));
    for (const [username, emails] of [
      ["one-mail", many.slice(0, 1)],
      ["three-mails", many.slice(0, 3)],
      ["eleven-mails", many],
      ["no-mail", []],
    ] as const) {
      const { user } = await store.users.create(dir, userInput(username, { emails }));
      const rows = await t.storage.db
        .selectFrom("user_emails")
        .select(["position", "value", "value_lower", "type", "primary"])
        .where("user_id", "=", user.id)
        .orderBy("position")
        .execute();
      expect(rows).toEqual(
        emails.map((e, position) => ({
          position,
          value: e.value,
          value_lower: e.value.toLowerCase(),
          type: e.type,
          primary: e.primary ? 1 : 0,
        })),
      );
      expect(user.email).toBe(emails.find((e) => e.primary)?.value ?? emails[0]?.value ?? null);
    }
  });

  it("derives a new user's attributes from the mapping as it is at the create, though it changed since this store's last one", async () => {
    await store.users.create(
      dir,
      userInput("before-mapping", { rawAttributes: { userName: "before-mapping", department: "R&D" } }),
    );
    // Through another store, as another process would.
    await createDirectoryService(t.deps).update(dir.id, null, { attribute_mapping: { dept: "department" } });
    const { user } = await store.users.create(
      dir,
      userInput("after-mapping", { rawAttributes: { userName: "after-mapping", department: "Sales" } }),
    );
    expect(user.custom_attributes).toEqual({ dept: "Sales" });
    const stored = await t.storage.db
      .selectFrom("directory_users")
      .select("custom_attributes")
      .where("id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.custom_attributes)).toEqual({ dept: "Sales" });
    await createDirectoryService(t.deps).update(dir.id, null, { attribute_mapping: null });
  });

  it("writes nothing for a directory that does not exist", async () => {
    const seq = await lastSeq();
    const ghost = { ...dir, id: "directory_01JGHOST0000000000000000000" };
    await expect(store.users.create(ghost, userInput("ghost"))).rejects.toThrow();
    expect(
      await t.storage.db.selectFrom("directory_users").select("id").where("username", "=", "ghost").execute(),
    ).toEqual([]);
    expect(
      Number(
        (
          await t.storage.db
            .selectFrom("events")
            .select((eb) => eb.fn.max("seq").as("m"))
            .executeTakeFirst()
        )?.m ?? 0,
      ),
    ).toBe(seq);
  });

  it("records previous_attributes on update and skips no-op updates", async () => {
    const { user } = await store.users.create(dir, userInput("grace"));
    const seq = await lastSeq();
    const updated = await store.users.replace(
      dir,
      user.id,
      userInput("grace", { lastName: "Hopper", jobTitle: "Admiral" }),
    );
    expect(updated.version).toBe(2);
    const events = await eventsSince(seq);
    expect(events).toHaveLength(1);
    expect(events[0]?.event).toBe("dsync.user.updated");
    expect(events[0]?.data.previous_attributes).toEqual({ last_name: "Lovelace", job_title: null });
    const again = await store.users.replace(
      dir,
      user.id,
      userInput("grace", { lastName: "Hopper", jobTitle: "Admiral" }),
    );
    expect(again.version).toBe(2);
    expect(await eventsSince(seq)).toHaveLength(1);
  });

  it("refuses a stale version with 412", async () => {
    const { user } = await store.users.create(dir, userInput("stale"));
    await store.users.replace(dir, user.id, userInput("stale", { firstName: "B" }), { ifMatch: 1 });
    await expect(
      store.users.replace(dir, user.id, userInput("stale", { firstName: "C" }), { ifMatch: 1 }),
    ).rejects.toMatchObject({ code: "version_mismatch" });
  });

  it("adds and removes members as a change, with one event per member", async () => {
    const a = (await store.users.create(dir, userInput("m-a"))).user;
    const b = (await store.users.create(dir, userInput("m-b"))).user;
    const { group } = await store.groups.create(
      dir,
      { name: "Engineering", idpId: null, rawAttributes: { displayName: "Engineering" } },
      [a.id],
    );
    const seq = await lastSeq();
    const updated = await store.groups.changeMembers(dir, group.id, {
      ...NO_MEMBER_CHANGE,
      add: [b.id, a.id],
      remove: [],
    });
    expect(updated.version).toBe(2);
    let events = await eventsSince(seq);
    expect(events.map((e) => [e.event, e.data.user.id])).toEqual([["dsync.group.user_added", b.id]]);
    await store.groups.changeMembers(dir, group.id, { replaceAll: [b.id], add: [], remove: [] });
    events = await eventsSince(seq);
    expect(events.slice(1).map((e) => [e.event, e.data.user.id])).toEqual([["dsync.group.user_removed", a.id]]);
    await expect(
      store.groups.changeMembers(dir, group.id, {
        ...NO_MEMBER_CHANGE,
        add: ["directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV"],
      }),
    ).rejects.toMatchObject({ code: "unknown_members" });
  });

  // Members alone at the version the caller read (as a SCIM PATCH with If-Match): one statement on PostgreSQL.
  it("changes members alone at a version read: one event per member, the version moved once", async () => {
    const a = (await store.users.create(dir, userInput("seen-a"))).user;
    const b = (await store.users.create(dir, userInput("seen-b"))).user;
    const hidden = (await store.users.create(dir, userInput("seen-hidden", { active: false }))).user;
    const created = await store.groups.create(
      dir,
      { name: "Seen", idpId: "ext-seen", rawAttributes: { displayName: "Seen" } },
      [a.id],
    );
    const seq = await lastSeq();
    const added = await store.groups.changeMembers(
      dir,
      created.group.id,
      { ...NO_MEMBER_CHANGE, add: [b.id, a.id, hidden.id], remove: [] },
      { ifMatch: 1 },
    );
    expect(added.version).toBe(2);
    expect(added.group).toMatchObject({ id: created.group.id, name: "Seen", idp_id: "ext-seen" });
    const stored = await store.groups.get(dir.id, created.group.id);
    expect(stored).toEqual(added);
    const removed = await store.groups.changeMembers(
      dir,
      created.group.id,
      { ...NO_MEMBER_CHANGE, remove: [a.id, "directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV"] },
      { ifMatch: 2 },
    );
    expect(removed.version).toBe(3);
    const events = await eventsSince(seq);
    // The inactive user's membership is written but hidden (no event); a is added by no one, as it was a member.
    expect(events.map((e) => [e.event, e.data.user.id, e.data.group.id])).toEqual([
      ["dsync.group.user_added", b.id, created.group.id],
      ["dsync.group.user_removed", a.id, created.group.id],
    ]);
    expect(events[0]?.data.user).toEqual(b);
    const members = await t.storage.db
      .selectFrom("group_memberships")
      .select("user_id")
      .where("group_id", "=", created.group.id)
      .orderBy("user_id")
      .execute();
    expect(members.map((m) => m.user_id)).toEqual([b.id, hidden.id].sort());
  });

  it("refuses a change of members computed from a version that moved, writing nothing", async () => {
    const a = (await store.users.create(dir, userInput("moved-a"))).user;
    const input = { name: "Moved", idpId: null, rawAttributes: {} };
    const created = await store.groups.create(dir, input, []);
    await store.groups.replace(
      dir,
      created.group.id,
      { ...input, rawAttributes: { description: "changed" } },
      NO_MEMBER_CHANGE,
    );
    const seq = await lastSeq();
    await expect(
      store.groups.changeMembers(dir, created.group.id, { ...NO_MEMBER_CHANGE, add: [a.id] }, { ifMatch: 1 }),
    ).rejects.toMatchObject({ code: "version_mismatch" });
    await expect(
      store.groups.changeMembers(
        dir,
        created.group.id,
        { ...NO_MEMBER_CHANGE, add: ["directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV"] },
        { ifMatch: 2 },
      ),
    ).rejects.toMatchObject({
      code: "unknown_members",
    });
    expect(await eventsSince(seq)).toEqual([]);
    expect(
      await t.storage.db
        .selectFrom("group_memberships")
        .select("user_id")
        .where("group_id", "=", created.group.id)
        .execute(),
    ).toEqual([]);
  });

  it("derives roles from a role mapping set after this store last read the directory's mapping", async () => {
    const org = await createOrganizationService(t.deps).create({ name: "Roles later" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "roles later", type: "generic scim v2.0" },
      null,
    );
    const rolesDir: DirectoryContext = { id: d.id, organizationId: org.id, deactivatedMembers: "hide" };
    const a = (await store.users.create(rolesDir, userInput("role-a"))).user;
    const b = (await store.users.create(rolesDir, userInput("role-b"))).user;
    const input = { name: "Admins", idpId: null, rawAttributes: {} };
    const created = await store.groups.create(rolesDir, input, []);
    const first = await store.groups.changeMembers(
      rolesDir,
      created.group.id,
      { ...NO_MEMBER_CHANGE, add: [a.id] },
      { ifMatch: 1 },
    );
    // Another writer sets a role mapping: this store's remembered mapping (no roles) is now stale.
    await createDirectoryService(t.deps).update(d.id, null, {
      role_mapping: [{ group: "Admins", role: "admin", priority: 1 }],
    });
    const current = await store.groups.get(d.id, created.group.id);
    expect(current?.version).toBe(first.version);
    await store.groups.changeMembers(
      rolesDir,
      created.group.id,
      { ...NO_MEMBER_CHANGE, add: [b.id] },
      { ifMatch: current?.version },
    );
    const roles = await t.storage.db
      .selectFrom("directory_users")
      .select(["id", "role"])
      .where("directory_id", "=", d.id)
      .orderBy("id")
      .execute();
    expect(Object.fromEntries(roles.map((r) => [r.id, r.role]))).toEqual({ [a.id]: "admin", [b.id]: "admin" });
  });

  it("hides an inactive user's memberships and shows them again on reactivation", async () => {
    const u = (await store.users.create(dir, userInput("hidden"))).user;
    const { group } = await store.groups.create(dir, { name: "Hidden Group", idpId: null, rawAttributes: {} }, [u.id]);
    const seq = await lastSeq();
    await store.users.replace(dir, u.id, userInput("hidden", { active: false }));
    await store.users.replace(dir, u.id, userInput("hidden", { active: true }));
    const events = (await eventsSince(seq)).map((e) => e.event);
    expect(events).toEqual([
      "dsync.user.updated",
      "dsync.group.user_removed",
      "dsync.user.updated",
      "dsync.group.user_added",
    ]);
    const rows = await t.storage.db
      .selectFrom("group_memberships")
      .select("user_id")
      .where("group_id", "=", group.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it("deletes memberships of a deactivated user under the remove policy", async () => {
    const removeDir = { ...dir, deactivatedMembers: "remove" as const };
    const u = (await store.users.create(removeDir, userInput("removed"))).user;
    const { group } = await store.groups.create(removeDir, { name: "Remove Group", idpId: null, rawAttributes: {} }, [
      u.id,
    ]);
    await store.users.replace(removeDir, u.id, userInput("removed", { active: false }));
    const rows = await t.storage.db
      .selectFrom("group_memberships")
      .select("user_id")
      .where("group_id", "=", group.id)
      .execute();
    expect(rows).toHaveLength(0);
  });

  it("deletes a group with user_removed for each visible member, then dsync.group.deleted", async () => {
    const u = (await store.users.create(dir, userInput("leaver"))).user;
    const { group } = await store.groups.create(dir, { name: "Doomed", idpId: null, rawAttributes: {} }, [u.id]);
    const seq = await lastSeq();
    await store.groups.remove(dir, group.id);
    expect((await eventsSince(seq)).map((e) => e.event)).toEqual(["dsync.group.user_removed", "dsync.group.deleted"]);
    expect(await store.groups.get(dir.id, group.id)).toBeUndefined();
  });

  it("deletes a user with its memberships and writes dsync.user.deleted", async () => {
    const u = (await store.users.create(dir, userInput("gone"))).user;
    await store.groups.create(dir, { name: "Gone Group", idpId: null, rawAttributes: {} }, [u.id]);
    const seq = await lastSeq();
    await store.users.remove(dir, u.id);
    expect((await eventsSince(seq)).map((e) => e.event)).toEqual(["dsync.group.user_removed", "dsync.user.deleted"]);
    expect(await store.users.get(dir.id, u.id)).toBeUndefined();
  });

  it("refuses a group name already used in the directory, case-insensitively", async () => {
    await store.groups.create(dir, { name: "Sales", idpId: null, rawAttributes: {} });
    await expect(store.groups.create(dir, { name: "sales", idpId: null, rawAttributes: {} })).rejects.toMatchObject({
      code: "uniqueness",
    });
  });
});
