import type { Kysely } from "kysely";

/**
 * Who holds a delivery lease: each running delivery worker registers itself (where it runs and a
 * heartbeat), and a claim names its worker, so a restarted process can take back at once the
 * leases of one that died instead of waiting for them to run out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_workers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("hostname", "text", (c) => c.notNull())
    .addColumn("pid_namespace", "text")
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("heartbeat_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.alterTable("webhook_deliveries").addColumn("claim_owner", "text").execute();
  // Taking back a dead worker's leases finds them by owner.
  await db.schema
    .createIndex("webhook_deliveries_claim_owner")
    .on("webhook_deliveries")
    .column("claim_owner")
    .where("claim_owner", "is not", null)
    .execute();
}
