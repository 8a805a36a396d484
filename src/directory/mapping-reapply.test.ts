import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";
import { createDirectoryStore, type DirectoryContext } from "./index.js";

const USERS = 520;

describe.each(DIALECTS)("re-applying a directory's mappings on %s", (dialect) => {
  let t: TestApp;
  let dir: DirectoryContext;
  const ids: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const org = await createOrganizationService(t.deps).create({ name: "Big" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "big", type: "generic scim v2.0" },
      null,
    );
    dir = { id: d.id, organizationId: org.id, deactivatedMembers: "hide" };
    const store = createDirectoryStore(t.deps);
    for (let i = 0; i < USERS; i++) {
      const username = `user${String(i).padStart(4, "0")}`;
      const { user } = await store.users.create(dir, {
        username,
        idpId: null,
        active: true,
        emails: [],
        firstName: null,
        lastName: null,
        jobTitle: null,
        rawAttributes: { userName: username, title: i % 2 === 0 ? "even" : "odd" },
      });
      ids.push(user.id);
    }
  });
  afterAll(async () => t?.close());

  it("maps every user across batch boundaries, with one event per changed user", async () => {
    const before = Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.max("seq").as("m"))
          .executeTakeFirst()
      )?.m ?? 0,
    );
    await createDirectoryService(t.deps).update(dir.id, null, { attribute_mapping: { parity: "title" } });
    const rows = await t.storage.db
      .selectFrom("directory_users")
      .select(["id", "custom_attributes", "version"])
      .where("directory_id", "=", dir.id)
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows.every((r, i) => JSON.parse(r.custom_attributes).parity === (i % 2 === 0 ? "even" : "odd"))).toBe(true);
    expect(rows.every((r) => r.version === 2)).toBe(true);
    const events = await t.storage.db
      .selectFrom("events")
      .select(["event", "data"])
      .where("seq", ">", before)
      .orderBy("seq")
      .execute();
    expect(events).toHaveLength(USERS);
    expect(events.every((e) => e.event === "dsync.user.updated")).toBe(true);
    expect(events.map((e) => JSON.parse(e.data).id)).toEqual(ids);
  });

  it("changes only the users whose derived values differ", async () => {
    const before = Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.max("seq").as("m"))
          .executeTakeFirst()
      )?.m ?? 0,
    );
    const store = createDirectoryStore(t.deps);
    expect(await store.reapplyMapping(dir)).toBe(0);
    await t.storage.db
      .updateTable("directory_users")
      .set({ custom_attributes: "{}" })
      .where("id", "=", ids[7] ?? "")
      .execute();
    expect(await store.reapplyMapping(dir)).toBe(1);
    const events = await t.storage.db.selectFrom("events").select("data").where("seq", ">", before).execute();
    expect(events.map((e) => JSON.parse(e.data).previous_attributes)).toEqual([{ custom_attributes: {} }]);
  });

  it("recomputes a user that a concurrent writer changed while the batch ran", async () => {
    const target = ids[3] ?? "";
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const holding = new Promise<void>((resolve) => {
      locked = resolve;
    });
    // A writer that read the old mapping: it changes the source value but not custom_attributes.
    const writer = t.storage.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom("directory_users")
        .select("version")
        .where("id", "=", target)
        .executeTakeFirstOrThrow();
      await trx
        .updateTable("directory_users")
        .set({ raw_attributes: JSON.stringify({ userName: "user0003", title: "changed" }), version: row.version + 1 })
        .where("id", "=", target)
        .execute();
      locked();
      await gate;
    });
    await holding;
    const reapply = createDirectoryStore(t.deps).reapplyMapping(dir);
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await writer;
    await reapply;
    const row = await t.storage.db
      .selectFrom("directory_users")
      .select("custom_attributes")
      .where("id", "=", target)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.custom_attributes)).toEqual({ parity: "changed" });
  });
});
