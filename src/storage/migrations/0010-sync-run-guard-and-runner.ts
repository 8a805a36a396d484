import type { Kysely } from "kysely";

/**
 * The group memberships a run held by the mass-removal guard would end (the guard counts them
 * as it counts users), and which process runs a run, so a restarted process can tell at once
 * that a run its previous incarnation left `running` is dead instead of waiting for its lease.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("sync_runs")
    .addColumn("pending_membership_removals", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("sync_runs").addColumn("runner", "text").execute();
}
