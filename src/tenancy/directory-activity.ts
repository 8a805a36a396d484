import { type Kysely, sql } from "kysely";
import type { Database } from "../storage/schema.js";

/**
 * Each directory's last activity: the newest of its last SCIM request, its last sync run (when it
 * finished, or its last heartbeat while running) and its last change (event). Computed at read
 * time so no SCIM request pays a write for it: one statement for a page of directories, whose
 * three correlated subqueries are each one index seek per directory (scim_requests_dir_id,
 * sync_runs_dir_id, events_dir_created), so the cost is O(page) whatever the tables' sizes.
 * The SCIM request log is written in batches, so a request shows here once its batch is flushed.
 */
export async function lastActivityOf(
  db: Kysely<Database>,
  directoryIds: readonly string[],
): Promise<Map<string, string | null>> {
  const activity = new Map<string, string | null>(directoryIds.map((id) => [id, null]));
  if (directoryIds.length === 0) return activity;
  const rows = await db
    .selectFrom("directories as d")
    .where("d.id", "in", directoryIds)
    .select((eb) => [
      "d.id",
      eb
        .selectFrom("scim_requests as s")
        .select("s.created_at")
        .whereRef("s.directory_id", "=", "d.id")
        .orderBy("s.id", "desc")
        .limit(1)
        .as("scim"),
      eb
        .selectFrom("sync_runs as r")
        .select(sql<string>`coalesce(${sql.ref("r.finished_at")}, ${sql.ref("r.heartbeat_at")})`.as("at"))
        .whereRef("r.directory_id", "=", "d.id")
        .orderBy("r.id", "desc")
        .limit(1)
        .as("sync"),
      eb
        .selectFrom("events as e")
        .select((e) => e.fn.max("e.created_at").as("at"))
        .whereRef("e.directory_id", "=", "d.id")
        .as("change"),
    ])
    .execute();
  for (const row of rows) {
    // Stored times are ISO-8601 UTC text of one width: the greatest string is the newest time.
    const times = [row.scim, row.sync, row.change].filter((t): t is string => typeof t === "string");
    // biome-ignore lint/complexity/useMathMinMax: strings, not numbers
    activity.set(row.id, times.length ? times.reduce((a, b) => (a > b ? a : b)) : null);
  }
  return activity;
}
