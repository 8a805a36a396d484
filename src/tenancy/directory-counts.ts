import type { Kysely } from "kysely";
import { readDirectoryTotals } from "../directory/index.js";
import type { Database } from "../storage/schema.js";
import { type DirectoryCounts, EMPTY_COUNTS } from "./directory-object.js";

/** Active/inactive users and groups of each directory, as `directory_counts` keeps them: one query per page of directories. */
export async function countDirectoryMembers(
  db: Kysely<Database>,
  directoryIds: readonly string[],
): Promise<Map<string, DirectoryCounts>> {
  const totals = await readDirectoryTotals(db, directoryIds);
  return new Map(
    directoryIds.map((id) => {
      const t = totals.get(id);
      return [id, t ? { active: t.activeUsers, inactive: t.users - t.activeUsers, groups: t.groups } : EMPTY_COUNTS];
    }),
  );
}
