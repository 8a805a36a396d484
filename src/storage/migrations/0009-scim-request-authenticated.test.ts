import { type Kysely, Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import { migrationsFor } from "./index.js";

const AT = "2026-01-01T00:00:00.000Z";

/** The tables as 0008 left them, as far as this migration reads them. */
type Before = {
  organizations: {
    id: string;
    name: string;
    name_lower: string;
    domains: string;
    created_at: string;
    updated_at: string;
  };
  directories: {
    id: string;
    organization_id: string;
    name: string;
    name_lower: string;
    type: string;
    state: string;
    deactivated_members: string;
    settings: string;
    created_at: string;
    updated_at: string;
  };
  scim_requests: {
    id: string;
    directory_id: string;
    created_at: string;
    method: string;
    path: string;
    status: number;
    latency_ms: number;
  };
};

describe.each(DIALECTS)("migration 0009 (authenticated SCIM request log lines) on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("marks the lines logged before as authenticated, except the 401s, the only failed authentications", async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    const migrations = migrationsFor(storage.caps);
    expect(
      (
        await new Migrator({ db: storage.db, provider: { getMigrations: async () => migrations } }).migrateTo(
          "0008-setup-links",
        )
      ).error,
    ).toBeUndefined();
    const db = storage.db as unknown as Kysely<Before>;
    await db
      .insertInto("organizations")
      .values({ id: "org_1", name: "O", name_lower: "o", domains: "[]", created_at: AT, updated_at: AT })
      .execute();
    await db
      .insertInto("directories")
      .values({
        id: "directory_1",
        organization_id: "org_1",
        name: "D",
        name_lower: "d",
        type: "generic scim v2.0",
        state: "linked",
        deactivated_members: "hide",
        settings: "{}",
        created_at: AT,
        updated_at: AT,
      })
      .execute();
    const line = (id: string, status: number) => ({
      id,
      directory_id: "directory_1",
      created_at: AT,
      method: "GET",
      path: "/Users",
      status,
      latency_ms: 1,
    });
    await db
      .insertInto("scim_requests")
      .values([line("scimreq_1", 200), line("scimreq_2", 401), line("scimreq_3", 429), line("scimreq_4", 404)])
      .execute();

    expect(await migrateToLatest(storage)).toContain("0009-scim-request-authenticated");
    const rows = await storage.db.selectFrom("scim_requests").select(["id", "authenticated"]).orderBy("id").execute();
    expect(rows.map((r) => [r.id, Number(r.authenticated)])).toEqual([
      ["scimreq_1", 1],
      ["scimreq_2", 0],
      ["scimreq_3", 1],
      ["scimreq_4", 1],
    ]);
  });
});
