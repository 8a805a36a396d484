import { type Kysely, sql } from "kysely";
import type { StorageCapabilities } from "../capabilities.js";

/**
 * `directory_counts`: each directory's users, active users and groups, kept by triggers, so an
 * unfiltered SCIM list's `totalResults`, a directory's `metadata` and the mass-removal guard read a
 * few rows instead of counting the directory (a scan of a million index entries at a million users,
 * ~100 ms a page). `slots` rows per directory, which readers sum (see `caps.directoryCounts`).
 * `changes` counts the inserts, deletes and moves of users and groups: while it stands still, every
 * row keeps its position in the directory's lists (`scim/list-positions.ts`).
 */
export async function up(db: Kysely<unknown>, caps: StorageCapabilities): Promise<void> {
  await db.schema
    .createTable("directory_counts")
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("slot", "integer", (c) => c.notNull())
    .addColumn("users", "bigint", (c) => c.notNull())
    .addColumn("active_users", "bigint", (c) => c.notNull())
    .addColumn("groups", "bigint", (c) => c.notNull())
    .addColumn("changes", "bigint", (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("directory_counts_pk", ["directory_id", "slot"])
    .execute();
  // Triggers first: on PostgreSQL creating them locks the tables against writers until this
  // transaction commits, so the counts below miss no write that commits meanwhile.
  await caps.directoryCounts.createTriggers(db);
  await sql`insert into directory_counts (directory_id, slot, users, active_users, groups)
    select d.id, 0,
      (select count(*) from directory_users u where u.directory_id = d.id),
      (select count(*) from directory_users u where u.directory_id = d.id and u.state = 'active'),
      (select count(*) from directory_groups g where g.directory_id = d.id)
    from directories d`.execute(db);
  for (let slot = 1; slot < caps.directoryCounts.slots; slot++) {
    await sql`insert into directory_counts (directory_id, slot, users, active_users, groups) select d.id, ${slot}, 0, 0, 0 from directories d`.execute(
      db,
    );
  }
}
