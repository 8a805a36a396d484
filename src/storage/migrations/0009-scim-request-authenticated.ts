import type { Kysely } from "kysely";
import { sql } from "kysely";

/**
 * Whether a logged SCIM request carried the directory's token. Requests that did not are kept
 * under a small quota of their own, so anyone who knows a directory's URL cannot push its
 * authenticated requests out of the log. Rows logged before: only a failed authentication
 * answered 401 there. The index serves each class's trim as a range of its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("scim_requests")
    .addColumn("authenticated", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update scim_requests set authenticated = 0 where status = 401`.execute(db);
  await db.schema
    .createIndex("scim_requests_dir_auth_id")
    .on("scim_requests")
    .columns(["directory_id", "authenticated", "id"])
    .execute();
}
