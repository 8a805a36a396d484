import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { type DirectoryCounts, EMPTY_COUNTS } from "./directory-object.js";

/** Active/inactive users and groups of each directory: two grouped, indexed queries per page. */
export async function countDirectoryMembers(db: Kysely<Database>, directoryIds: readonly string[]): Promise<Map<string, DirectoryCounts>> {
  const counts = new Map<string, { active: number; inactive: number; groups: number }>(directoryIds.map((id) => [id, { ...EMPTY_COUNTS }]));
  if (directoryIds.length === 0) return counts;
  const users = await db
    .selectFrom("directory_users")
    .select(["directory_id", "state", (eb) => eb.fn.countAll<number>().as("n")])
    .where("directory_id", "in", directoryIds)
    .groupBy(["directory_id", "state"])
    .execute();
  for (const row of users) {
    const entry = counts.get(row.directory_id);
    if (entry && (row.state === "active" || row.state === "inactive")) entry[row.state] = Number(row.n);
  }
  const groups = await db
    .selectFrom("directory_groups")
    .select(["directory_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("directory_id", "in", directoryIds)
    .groupBy("directory_id")
    .execute();
  for (const row of groups) {
    const entry = counts.get(row.directory_id);
    if (entry) entry.groups = Number(row.n);
  }
  return counts;
}
