import type { Kysely } from "kysely";
import { chunks } from "../../storage/value-lists.js";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import { type QueryTemplate, queryTemplate } from "../../storage/query-template.js";
import type { Database } from "../../storage/schema.js";
import type { ScimUserSource, UserGroupRef } from "./user-resource.js";

const groupsOfOne = queryTemplate(["userId"], (db, p: { userId: string }) =>
  db
    .selectFrom("group_memberships as m")
    .innerJoin("directory_groups as g", "g.id", "m.group_id")
    .select(["g.id", "g.name"])
    .where("m.user_id", "=", p.userId)
    .orderBy("g.id"),
);

/** The groups of each user, for the read-only `groups` attribute: one indexed join per chunk. */
export async function groupsOfUsers(
  db: Kysely<Database>,
  userIds: readonly string[],
): Promise<Map<string, UserGroupRef[]>> {
  const [only] = userIds;
  if (userIds.length === 1 && only !== undefined)
    return new Map([[only, await groupsOfOne.execute(db, { userId: only })]]);
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

/** The columns a SCIM resource shows (`ScimUserSource`, and the version): the rest is never read, nor its JSON parsed. */
const SCIM_COLUMNS = [
  "u.id",
  "u.idp_id",
  "u.username",
  "u.state",
  "u.raw_attributes",
  "u.created_at",
  "u.updated_at",
  "u.version",
] as const;

type RowWithGroups = Omit<ScimUserSource, "raw_attributes" | "state"> & {
  state: string;
  raw_attributes: string;
  version: number;
  groups: string;
};

/** `directory_users` rows with a `groups` column: the text of a JSON array of the user's groups. */
function selectWithGroups(db: Kysely<Database>, caps: StorageCapabilities, directoryId: string) {
  return db
    .selectFrom("directory_users as u")
    .select(SCIM_COLUMNS)
    .select((eb) =>
      caps
        .jsonArrayFrom(
          eb
            .selectFrom("group_memberships as m")
            .innerJoin("directory_groups as g", "g.id", "m.group_id")
            .select(["g.id", "g.name"])
            .whereRef("m.user_id", "=", "u.id")
            .orderBy("g.id"),
        )
        .as("groups"),
    )
    .where("u.directory_id", "=", directoryId);
}

/** One template per backend's capabilities (the groups aggregate is spelled per backend). */
function perBackend<P extends Record<string, unknown>>(
  build: (caps: StorageCapabilities) => QueryTemplate<P, RowWithGroups>,
): (caps: StorageCapabilities) => QueryTemplate<P, RowWithGroups> {
  const templates = new WeakMap<StorageCapabilities, QueryTemplate<P, RowWithGroups>>();
  return (caps) => {
    let template = templates.get(caps);
    if (!template) {
      template = build(caps);
      templates.set(caps, template);
    }
    return template;
  };
}

type UserKey = { directoryId: string; id: string };
const userWithGroups = perBackend((caps) =>
  queryTemplate(["directoryId", "id"], (db, p: UserKey) =>
    selectWithGroups(db, caps, p.directoryId).where("u.id", "=", p.id),
  ),
);

type UserNameKey = { directoryId: string; usernameLower: string };
const userWithGroupsByUserName = perBackend((caps) =>
  queryTemplate(["directoryId", "usernameLower"], (db, p: UserNameKey) =>
    selectWithGroups(db, caps, p.directoryId).where("u.username_lower", "=", p.usernameLower),
  ),
);

export interface UserWithGroups {
  readonly user: ScimUserSource;
  readonly version: number;
  readonly groups: UserGroupRef[];
}

function withGroups(found: RowWithGroups): UserWithGroups {
  // The aggregate keeps its subquery's order on both backends in practice; sort anyway, it is short.
  const groups = (JSON.parse(found.groups) as UserGroupRef[]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const { id, idp_id, username, state, raw_attributes, created_at, updated_at, version } = found;
  const user: ScimUserSource = {
    id,
    idp_id,
    username,
    state: state === "inactive" ? "inactive" : "active",
    raw_attributes: JSON.parse(raw_attributes) as Record<string, unknown>,
    created_at,
    updated_at,
  };
  return { user, version, groups };
}

/** The user of a directory with this userName (compared case-insensitively, as stored), with its groups, in one query. */
export async function loadUserWithGroupsByUserName(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  directoryId: string,
  userName: string,
): Promise<UserWithGroups | undefined> {
  const found = await userWithGroupsByUserName(caps).executeTakeFirst(db, {
    directoryId,
    usernameLower: userName.toLowerCase(),
  });
  return found && withGroups(found);
}

/** One user of a directory with its groups (for `groups`), in one query: a GET by id is then one round trip. */
export async function loadUserWithGroups(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  directoryId: string,
  id: string,
): Promise<UserWithGroups | undefined> {
  const found = await userWithGroups(caps).executeTakeFirst(db, { directoryId, id });
  return found && withGroups(found);
}

/** Users of a directory with their groups, one query per chunk of ids (a list page). */
export async function loadUsersWithGroups(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  directoryId: string,
  ids: readonly string[],
): Promise<Map<string, UserWithGroups>> {
  const found = new Map<string, UserWithGroups>();
  const [only] = ids;
  if (ids.length === 1 && only !== undefined) {
    const one = await loadUserWithGroups(db, caps, directoryId, only);
    if (one) found.set(only, one);
    return found;
  }
  for (const part of chunks(ids)) {
    for (const row of (await selectWithGroups(db, caps, directoryId)
      .where("u.id", "in", part)
      .execute()) as RowWithGroups[])
      found.set(row.id, withGroups(row));
  }
  return found;
}
