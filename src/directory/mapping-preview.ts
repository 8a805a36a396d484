import { deriveColumns, roleGroupsOf } from "./derived-attributes.js";
import { compileMapping, type DirectoryMapping } from "./mapping/directory-mapping.js";
import type { Db, DirectoryContext } from "./types.js";
import type { DirectoryUser } from "./user-object.js";

/**
 * `user` as it would read under `mapping`, computed exactly as a write would (the same
 * derivation, the same groups), and written nowhere: what an editor shows before saving.
 */
export async function previewUserMapping<U extends DirectoryUser>(
  db: Db,
  dir: DirectoryContext,
  mapping: DirectoryMapping,
  user: U,
): Promise<U> {
  const compiled = compileMapping(mapping);
  const groups = await roleGroupsOf(db, [user.id], compiled);
  const derived = deriveColumns(dir, compiled, user.raw_attributes, user.state, groups.get(user.id) ?? []);
  const role = derived.role === null ? null : { slug: derived.role };
  const roles = (JSON.parse(derived.roles) as string[]).map((slug) => ({ slug }));
  return { ...user, role, roles, custom_attributes: JSON.parse(derived.custom_attributes) as Record<string, unknown> };
}
