import { type Kysely, sql } from "kysely";

/**
 * Every scheduler pass of every process looks for runs still marked running (to record those
 * whose process died): a partial index keeps that a look at the few live runs, not a scan of the
 * whole run history.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("sync_runs_running")
    .on("sync_runs")
    .column("directory_id")
    .where(sql.ref("state"), "=", "running")
    .execute();
}
