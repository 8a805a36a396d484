import type { Kysely } from "kysely";
import { chunks } from "../../directory/user-rows.js";
import type { Database } from "../../storage/schema.js";
import type { UserGroupRef } from "./user-resource.js";

/** The groups of each user, for the read-only `groups` attribute: one indexed join per chunk. */
export async function groupsOfUsers(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, UserGroupRef[]>> {
  const result = new Map<string, UserGroupRef[]>(userIds.map((id) => [id, []]));
  for (const part of chunks(userIds)) {
    const rows = await db
      .selectFrom("group_memberships as m")
      .innerJoin("directory_groups as g", "g.id", "m.group_id")
      .select(["m.user_id", "g.id", "g.name"])
      .where("m.user_id", "in", part)
      .orderBy("g.id")
      .execute();
    for (const row of rows) result.get(row.user_id)?.push({ id: row.id, name: row.name });
  }
  return result;
}
