import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { type DirectoryGroup, toDirectoryGroup } from "./group-object.js";
import { chunks } from "../storage/value-lists.js";

/** The groups of each user (a whole page at once: one indexed join per 500 users), by group id. */
export async function groupsOfUsers(
  db: Kysely<Database>,
  userIds: readonly string[],
): Promise<Map<string, DirectoryGroup[]>> {
  const result = new Map<string, DirectoryGroup[]>(userIds.map((id) => [id, []]));
  for (const part of chunks(userIds)) {
    const rows = await db
      .selectFrom("group_memberships as m")
      .innerJoin("directory_groups as g", "g.id", "m.group_id")
      .selectAll("g")
      .select("m.user_id as member_id")
      .where("m.user_id", "in", part)
      .orderBy("g.id")
      .execute();
    for (const { member_id, ...group } of rows) result.get(member_id)?.push(toDirectoryGroup(group));
  }
  return result;
}
