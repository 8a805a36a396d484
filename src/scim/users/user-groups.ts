import type { Kysely } from "kysely";
import { chunks } from "../../directory/user-rows.js";
import { queryTemplate } from "../../storage/query-template.js";
import type { Database } from "../../storage/schema.js";
import type { UserGroupRef } from "./user-resource.js";

const groupsOfOne = queryTemplate(["userId"], (db, p: { userId: string }) =>
  db
    .selectFrom("group_memberships as m")
    .innerJoin("directory_groups as g", "g.id", "m.group_id")
    .select(["g.id", "g.name"])
    .where("m.user_id", "=", p.userId)
    .orderBy("g.id"),
);

/** The groups of each user, for the read-only `groups` attribute: one indexed join per chunk. */
export async function groupsOfUsers(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, UserGroupRef[]>> {
  const [only] = userIds;
  if (userIds.length === 1 && only !== undefined) return new Map([[only, await groupsOfOne.execute(db, { userId: only })]]);
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
