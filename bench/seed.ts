import { type Kysely, sql } from "kysely";
import { createIdGenerator } from "../src/core/ids.js";
import type { Database, DirectoryUserRow } from "../src/storage/schema.js";
import type { Dialect } from "../test/support/databases.js";

const BATCH = 1000;

/**
 * Fills a directory with `count` users (and their emails) and one group holding all of them,
 * straight into the tables: the benchmark measures serving, not seeding.
 */
export async function seedDirectory(
  db: Kysely<Database>,
  dialect: Dialect,
  directoryId: string,
  organizationId: string,
  count: number,
): Promise<{ userIds: string[]; groupId: string }> {
  const now = new Date().toISOString();
  const ids = createIdGenerator();
  const userIds: string[] = [];
  for (let start = 0; start < count; start += BATCH) {
    const rows: DirectoryUserRow[] = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) {
      const id = ids("user");
      const username = `user-${i}@bench.example`;
      userIds.push(id);
      rows.push({
        id,
        directory_id: directoryId,
        organization_id: organizationId,
        idp_id: `ext-${i}`,
        username,
        username_lower: username,
        email: username,
        emails: JSON.stringify([{ primary: true, type: "work", value: username }]),
        first_name: "Bench",
        last_name: `User ${i}`,
        job_title: null,
        state: "active",
        role: null,
        roles: "[]",
        custom_attributes: "{}",
        raw_attributes: JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: username,
          name: { givenName: "Bench", familyName: `User ${i}` },
          emails: [{ value: username, type: "work", primary: true }],
        }),
        version: 1,
        created_at: now,
        updated_at: now,
      });
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto("directory_users")
          .values(rows.slice(i, i + 200))
          .execute();
      const emails = rows.map((r) => ({
        user_id: r.id,
        directory_id: directoryId,
        position: 0,
        value: r.username,
        value_lower: r.username,
        type: "work",
        primary: 1,
      }));
      for (let i = 0; i < emails.length; i += 200)
        await trx
          .insertInto("user_emails")
          .values(emails.slice(i, i + 200))
          .execute();
    });
  }
  const groupId = ids("group");
  await db
    .insertInto("directory_groups")
    .values({
      id: groupId,
      directory_id: directoryId,
      organization_id: organizationId,
      idp_id: null,
      name: "Everyone",
      name_lower: "everyone",
      raw_attributes: '{"displayName":"Everyone"}',
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (let start = 0; start < userIds.length; start += BATCH) {
    const rows = userIds
      .slice(start, start + BATCH)
      .map((user_id) => ({ group_id: groupId, user_id, directory_id: directoryId, created_at: now }));
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 250)
        await trx
          .insertInto("group_memberships")
          .values(rows.slice(i, i + 250))
          .execute();
    });
  }
  // Fresh planner statistics and (PostgreSQL) a visibility map, as autovacuum keeps them on a live
  // database: without it an index-only scan still visits every heap page it passes.
  await (dialect === "postgres" ? sql`vacuum analyze` : sql`analyze`).execute(db);
  return { userIds, groupId };
}
