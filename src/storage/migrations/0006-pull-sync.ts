import type { Kysely } from "kysely";

/**
 * Pull connectors: a directory's sealed connector settings, its sync state (lease,
 * schedule, delta watermark) and the history of its sync runs.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // The connector object as sent (credentials included), sealed with the secret box; null for ingest types.
  await db.schema.alterTable("directories").addColumn("connector", "text").execute();

  await db.schema
    .createTable("directory_syncs")
    .addColumn("directory_id", "text", (c) => c.primaryKey().references("directories.id").onDelete("cascade"))
    // The lease: one run per directory at a time, across processes. Expires unless renewed.
    .addColumn("lease_run_id", "text")
    .addColumn("lease_expires_at", "text")
    // Where the next delta run starts (the source's clock, taken before the last run read).
    .addColumn("watermark", "text")
    .addColumn("last_full_at", "text")
    // When the scheduler should start the next run; null when the directory has no schedule.
    .addColumn("next_due_at", "text")
    .execute();
  await db.schema.createIndex("directory_syncs_due").on("directory_syncs").columns(["next_due_at"]).execute();

  await db.schema
    .createTable("sync_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("dry_run", "integer", (c) => c.notNull())
    .addColumn("username", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("phase", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("heartbeat_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addColumn("counts", "text", (c) => c.notNull())
    .addColumn("group_counts", "text", (c) => c.notNull())
    .addColumn("errors", "text", (c) => c.notNull())
    .addColumn("failure_reason", "text")
    .addColumn("failure_message", "text")
    .addColumn("pending_removals", "integer", (c) => c.notNull())
    .addColumn("changes", "text")
    .addColumn("confirmed_at", "text")
    .execute();
  await db.schema.createIndex("sync_runs_dir_id").on("sync_runs").columns(["directory_id", "id"]).execute();
}
