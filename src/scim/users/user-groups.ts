import type { Kysely } from "kysely";
import type { DirectoryUser } from "../../directory/index.js";
import { toDirectoryUser } from "../../directory/user-object.js";
import { chunks } from "../../directory/user-rows.js";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import { type QueryTemplate, queryTemplate } from "../../storage/query-template.js";
import type { Database, DirectoryUserRow } from "../../storage/schema.js";
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

type UserKey = { directoryId: string; id: string };
const withGroupsByCaps = new WeakMap<StorageCapabilities, QueryTemplate<UserKey, DirectoryUserRow & { groups: string }>>();

function userWithGroups(caps: StorageCapabilities) {
  let template = withGroupsByCaps.get(caps);
  if (!template) {
    template = queryTemplate(["directoryId", "id"], (db, p: UserKey) =>
      db
        .selectFrom("directory_users as u")
        .selectAll("u")
        .select((eb) =>
          caps
            .jsonArrayFrom(eb.selectFrom("group_memberships as m").innerJoin("directory_groups as g", "g.id", "m.group_id").select(["g.id", "g.name"]).whereRef("m.user_id", "=", "u.id").orderBy("g.id"))
            .as("groups"),
        )
        .where("u.directory_id", "=", p.directoryId)
        .where("u.id", "=", p.id),
    );
    withGroupsByCaps.set(caps, template);
  }
  return template;
}

/** One user of a directory with its groups (for `groups`), in one query: a GET by id is then one round trip. */
export async function loadUserWithGroups(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  directoryId: string,
  id: string,
): Promise<{ user: DirectoryUser; version: number; groups: UserGroupRef[] } | undefined> {
  const found = await userWithGroups(caps).executeTakeFirst(db, { directoryId, id });
  if (!found) return undefined;
  const { groups, ...row } = found;
  // The aggregate keeps its subquery's order on both backends in practice; sort anyway, it is short.
  const refs = (JSON.parse(groups) as UserGroupRef[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { user: toDirectoryUser(row), version: row.version, groups: refs };
}
