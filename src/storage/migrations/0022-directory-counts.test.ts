import { type Kysely, Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { readDirectoryTotals } from "../../directory/directory-counts.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import type { Database } from "../schema.js";
import { migrationsFor } from "./index.js";

const AT = "2026-01-01T00:00:00.000Z";

describe.each(DIALECTS)("migration 0022 (directory_counts) on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("counts the users and groups already there, gives every directory its slot rows, and keeps counting after", async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    const migrations = migrationsFor(storage.caps);
    const result = await new Migrator({
      db: storage.db,
      provider: { getMigrations: async () => migrations },
    }).migrateTo("0018-directory-activity");
    expect(result.error).toBeUndefined();
    // The tables as 0018 left them are the ones this test writes (directory_counts does not exist yet).
    const db = storage.db as unknown as Kysely<Omit<Database, "directory_counts">>;
    await db
      .insertInto("organizations")
      .values({ id: "org_1", name: "Acme", name_lower: "acme", domains: "[]", created_at: AT, updated_at: AT })
      .execute();
    const dir = (id: string) => ({
      id,
      organization_id: "org_1",
      name: id,
      name_lower: id,
      type: "generic scim v2.0",
      state: "linked",
      domain: null,
      deactivated_members: "hide",
      settings: "{}",
      connector: null,
      linked_at: AT,
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
    });
    await db
      .insertInto("directories")
      .values([dir("directory_full"), dir("directory_empty")])
      .execute();
    const user = (n: number, state: string) => ({
      id: `directory_user_${n}`,
      directory_id: "directory_full",
      organization_id: "org_1",
      idp_id: null,
      username: `u${n}`,
      username_lower: `u${n}`,
      email: null,
      emails: "[]",
      first_name: null,
      last_name: null,
      job_title: null,
      state,
      role: null,
      roles: "[]",
      custom_attributes: "{}",
      raw_attributes: "{}",
      version: 1,
      created_at: AT,
      updated_at: AT,
    });
    await db
      .insertInto("directory_users")
      .values([user(1, "active"), user(2, "active"), user(3, "inactive")])
      .execute();
    const group = (n: number) => ({
      id: `directory_group_${n}`,
      directory_id: "directory_full",
      organization_id: "org_1",
      idp_id: null,
      name: `g${n}`,
      name_lower: `g${n}`,
      raw_attributes: "{}",
      version: 1,
      created_at: AT,
      updated_at: AT,
    });
    await db
      .insertInto("directory_groups")
      .values([group(1), group(2)])
      .execute();

    await migrateToLatest(storage);

    const totals = await readDirectoryTotals(storage.db, ["directory_full", "directory_empty"]);
    expect(Object.fromEntries(totals)).toEqual({
      directory_full: { users: 3, activeUsers: 2, groups: 2, changes: 0 },
      directory_empty: { users: 0, activeUsers: 0, groups: 0, changes: 0 },
    });
    const rows = await storage.db
      .selectFrom("directory_counts")
      .select("directory_id")
      .where("directory_id", "=", "directory_empty")
      .execute();
    expect(rows).toHaveLength(storage.caps.directoryCounts.slots);

    // The triggers run from here on: a write after the migration counts on top of the backfill.
    await storage.db.insertInto("directory_users").values(user(4, "inactive")).execute();
    await storage.db.deleteFrom("directory_groups").where("id", "=", "directory_group_1").execute();
    expect((await readDirectoryTotals(storage.db, ["directory_full"])).get("directory_full")).toEqual({
      users: 4,
      activeUsers: 2,
      groups: 1,
      changes: 2,
    });
  });
});
