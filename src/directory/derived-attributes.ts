import type { DirectoryUserRow } from "../storage/schema.js";
import { customAttributesOf } from "./mapping/attribute-mapping.js";
import type { CompiledMapping } from "./mapping/directory-mapping.js";
import { type GroupKey, rolesOf } from "./mapping/role-mapping.js";
import type { Db, DirectoryContext } from "./types.js";
import { chunks } from "../storage/value-lists.js";

/** The user columns the directory's mappings compute: never sent by a source. */
export interface DerivedColumns {
  readonly custom_attributes: string;
  readonly role: string | null;
  readonly roles: string;
}

/**
 * Whether a user's groups give it roles. An inactive user has none unless the policy is `keep`:
 * under `hide` its memberships are invisible, under `remove` they are gone.
 */
function groupsGiveRoles(dir: DirectoryContext, state: string): boolean {
  return state === "active" || dir.deactivatedMembers === "keep";
}

export function deriveColumns(
  dir: DirectoryContext,
  mapping: CompiledMapping,
  raw: Record<string, unknown>,
  state: string,
  groups: readonly GroupKey[],
): DerivedColumns {
  const { role, roles } = rolesOf(groupsGiveRoles(dir, state) ? groups : [], mapping.roles);
  return {
    custom_attributes: JSON.stringify(customAttributesOf(raw, mapping.attributes)),
    role,
    roles: JSON.stringify(roles),
  };
}

export function sameDerived(row: DirectoryUserRow, derived: DerivedColumns): boolean {
  return (
    row.custom_attributes === derived.custom_attributes && row.role === derived.role && row.roles === derived.roles
  );
}

/** Each user's groups, for role rules: one indexed join per chunk, none at all without rules. */
export async function roleGroupsOf(
  trx: Db,
  userIds: readonly string[],
  mapping: CompiledMapping,
): Promise<Map<string, GroupKey[]>> {
  const result = new Map<string, GroupKey[]>(userIds.map((id) => [id, []]));
  if (mapping.roles.length === 0) return result;
  for (const part of chunks(userIds)) {
    const rows = await trx
      .selectFrom("group_memberships as m")
      .innerJoin("directory_groups as g", "g.id", "m.group_id")
      .select(["m.user_id", "g.id", "g.idp_id", "g.name"])
      .where("m.user_id", "in", part)
      .execute();
    for (const row of rows) result.get(row.user_id)?.push({ id: row.id, idp_id: row.idp_id, name: row.name });
  }
  return result;
}
