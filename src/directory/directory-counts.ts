import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";

/** A directory's totals as `directory_counts` keeps them (migration 0022's triggers). */
export interface DirectoryTotals {
  readonly users: number;
  readonly activeUsers: number;
  readonly groups: number;
  /** Inserts, deletes and moves of users and groups so far: while it stands still, rows keep their positions. */
  readonly changes: number;
}

export const NO_TOTALS: DirectoryTotals = Object.freeze({ users: 0, activeUsers: 0, groups: 0, changes: 0 });

/**
 * Each directory's totals: the sum of its slot rows, a few index entries whatever its size.
 * A directory that no longer exists is absent from the map.
 */
export async function readDirectoryTotals(
  db: Kysely<Database>,
  directoryIds: readonly string[],
): Promise<Map<string, DirectoryTotals>> {
  if (directoryIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("directory_counts")
    .select((eb) => [
      "directory_id",
      eb.fn.sum<string>("users").as("users"),
      eb.fn.sum<string>("active_users").as("active_users"),
      eb.fn.sum<string>("groups").as("groups"),
      eb.fn.sum<string>("changes").as("changes"),
    ])
    .where("directory_id", "in", directoryIds)
    .groupBy("directory_id")
    .execute();
  return new Map(
    rows.map((r) => [
      r.directory_id,
      {
        users: Number(r.users),
        activeUsers: Number(r.active_users),
        groups: Number(r.groups),
        changes: Number(r.changes),
      },
    ]),
  );
}

/** One directory's totals (all zero for one that does not exist). */
export async function readDirectoryTotal(db: Kysely<Database>, directoryId: string): Promise<DirectoryTotals> {
  return (await readDirectoryTotals(db, [directoryId])).get(directoryId) ?? NO_TOTALS;
}
