import type { Kysely } from "kysely";

/**
 * The admin audit log: who (the admin key, an organization key, a portal session) did what to
 * which object, when and from where. No foreign keys: an entry outlives the organization or the
 * object it names. Read newest first per organization or per action; pruned by time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "text", (c) => c.primaryKey())
    // admin | api_key | portal_session | console_session
    .addColumn("actor_kind", "text", (c) => c.notNull())
    // The organization key's id or the session's id; null for the admin key.
    .addColumn("actor_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("organization_id", "text")
    .addColumn("request_id", "text")
    .addColumn("source_ip", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_log_org_id").on("audit_log").columns(["organization_id", "id"]).execute();
  await db.schema.createIndex("audit_log_action_id").on("audit_log").columns(["action", "id"]).execute();
}
