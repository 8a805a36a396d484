import type { Kysely } from "kysely";

/** The per-directory SCIM request log: what an IT admin reads when an IdP says provisioning failed. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scim_requests")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("status", "integer", (c) => c.notNull())
    .addColumn("latency_ms", "real", (c) => c.notNull())
    .addColumn("error_detail", "text")
    .addColumn("request_body", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("scim_requests_dir_id").on("scim_requests").columns(["directory_id", "id"]).execute();
}
