import type { Kysely } from "kysely";

/**
 * A directory's `last_activity_at` is read, not written: its newest SCIM request and sync run come
 * from the (directory_id, id) indexes those tables already have; its newest change needs this one.
 * It costs one index entry per event (written in the change's transaction anyway), and no write
 * at all on a SCIM request that changes nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("events_dir_created").on("events").columns(["directory_id", "created_at"]).execute();
}
