import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";

/** Rows ANALYZE reads per index (`PRAGMA analysis_limit`): an estimate in milliseconds, not a scan of 100,000 rows under the write lock. */
const ANALYSIS_LIMIT = 1000;

/**
 * Re-analyzes `tables` where the database keeps planner statistics (`sqlite_stat1`, made by an
 * `ANALYZE` or `PRAGMA optimize`, as an operator or a benchmark's seed runs). Without any, SQLite
 * assumes every index is selective, which suits these tables. Statistics taken while a table was
 * small do not: after a sync grew `group_memberships` from one group of 1,000 members to 100,000
 * rows, SQLite still believed each group held the whole table and counted a directory's
 * memberships by scanning it once per group (7.5–20 s instead of milliseconds, measured with
 * `bench/cloud-sync-bench.ts`). Nothing is created where nobody asked for statistics.
 */
export async function refreshSqliteStatistics(db: Kysely<Database>, tables: readonly string[]): Promise<void> {
  if (tables.length === 0) return;
  const kept = await sql`select 1 from sqlite_master where type = 'table' and name = 'sqlite_stat1'`.execute(db);
  if (kept.rows.length === 0) return;
  await sql.raw(`pragma analysis_limit = ${ANALYSIS_LIMIT}`).execute(db);
  for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
}
