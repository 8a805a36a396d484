import { type Kysely, Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import { migrationsFor } from "./index.js";

const AT = "2026-01-01T00:00:00.000Z";

/** The tables 0008 reads, as 0007 left them. */
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
    domain: null;
    deactivated_members: string;
    settings: string;
    connector: string | null;
    created_at: string;
    updated_at: string;
    deleted_at: null;
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
  directory_groups: {
    id: string;
    directory_id: string;
    organization_id: string;
    name: string;
    name_lower: string;
    raw_attributes: string;
    version: number;
    created_at: string;
    updated_at: string;
  };
};

describe.each(DIALECTS)("migration 0008 (setup links, linked state) on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("keeps ingest directories that heard from their IdP linked, makes the others unlinked, and leaves pull directories alone", async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    const migrations = migrationsFor(storage.caps);
    const result = await new Migrator({
      db: storage.db,
      provider: { getMigrations: async () => migrations },
    }).migrateTo("0007-sync-run-upload");
    expect(result.error).toBeUndefined();
    const db = storage.db as unknown as Kysely<Before>;
    await db
      .insertInto("organizations")
      .values({ id: "org_1", name: "Acme", name_lower: "acme", domains: "[]", created_at: AT, updated_at: AT })
      .execute();
    const dir = (id: string, type: string, state = "linked") => ({
      id,
      organization_id: "org_1",
      name: id,
      name_lower: id,
      type,
      state,
      domain: null,
      deactivated_members: "hide",
      settings: "{}",
      connector: type === "ldap" ? "sealed" : null,
      created_at: AT,
      updated_at: AT,
      deleted_at: null,
    });
    await db
      .insertInto("directories")
      .values([
        dir("directory_quiet", "okta scim v2.0"),
        dir("directory_called", "azure scim v2.0"),
        dir("directory_refused", "generic scim v2.0"),
        dir("directory_grouped", "okta scim v2.0"),
        dir("directory_ldap", "ldap"),
        dir("directory_badldap", "ldap", "invalid_credentials"),
      ])
      .execute();
    const request = (id: string, directory_id: string, status: number) => ({
      id,
      directory_id,
      created_at: AT,
      method: "GET",
      path: "/Users",
      status,
      latency_ms: 1,
    });
    await db
      .insertInto("scim_requests")
      .values([request("scimreq_1", "directory_called", 200), request("scimreq_2", "directory_refused", 401)])
      .execute();
    await db
      .insertInto("directory_groups")
      .values({
        id: "directory_group_1",
        directory_id: "directory_grouped",
        organization_id: "org_1",
        name: "G",
        name_lower: "g",
        raw_attributes: "{}",
        version: 1,
        created_at: AT,
        updated_at: AT,
      })
      .execute();

    await migrateToLatest(storage);

    const rows = await storage.db
      .selectFrom("directories")
      .select(["id", "state", "linked_at"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { id: "directory_badldap", state: "invalid_credentials", linked_at: AT },
      { id: "directory_called", state: "linked", linked_at: AT },
      { id: "directory_grouped", state: "linked", linked_at: AT },
      { id: "directory_ldap", state: "linked", linked_at: AT },
      { id: "directory_quiet", state: "unlinked", linked_at: null },
      { id: "directory_refused", state: "unlinked", linked_at: null },
    ]);
  });
});
