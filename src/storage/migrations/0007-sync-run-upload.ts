import type { Kysely } from "kysely";

/**
 * A CSV upload held by the mass-removal guard: kept with its run until the run is confirmed (the
 * re-run reads the same rows) or superseded, then cleared.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("sync_runs").addColumn("upload", "text").execute();
}
