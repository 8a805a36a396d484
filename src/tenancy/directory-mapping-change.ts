import { Errors, type FieldError } from "../core/errors.js";
import {
  checkAttributeMapping,
  checkRoleMapping,
  type DirectoryMapping,
  readMapping,
  type RoleRule,
} from "../directory/index.js";

/** The mapping part of a directory PATCH: null (or `{}`/`[]`) clears a mapping. */
export interface MappingPatch {
  readonly attribute_mapping?: Readonly<Record<string, string>> | null | undefined;
  readonly role_mapping?: readonly RoleRule[] | null | undefined;
}

/** The validated mappings a PATCH sets, or null when it sets none; 422 with field errors when one is invalid. */
export function mappingChangeOf(patch: MappingPatch): Partial<DirectoryMapping> | null {
  const change: {
    attribute_mapping?: DirectoryMapping["attribute_mapping"];
    role_mapping?: DirectoryMapping["role_mapping"];
  } = {};
  const errors: FieldError[] = [];
  if (patch.attribute_mapping !== undefined) {
    const checked = checkAttributeMapping(patch.attribute_mapping ?? {});
    if (checked.ok) change.attribute_mapping = checked.value;
    else errors.push(...checked.errors);
  }
  if (patch.role_mapping !== undefined) {
    const checked = checkRoleMapping(patch.role_mapping ?? []);
    if (checked.ok) change.role_mapping = checked.value;
    else errors.push(...checked.errors);
  }
  if (errors.length > 0) throw Errors.validation("The mapping is invalid", errors);
  return Object.keys(change).length > 0 ? change : null;
}

/**
 * Whether users must be re-derived after a directory changed: a mapping changed, or the
 * deactivated-members policy did while roles are mapped (it decides whether inactive users keep roles).
 */
export function mappingNeedsReapply(
  before: { settings: string; deactivated_members: string },
  after: { settings: string; deactivated_members: string },
): boolean {
  const old = readMapping(before.settings);
  const now = readMapping(after.settings);
  if (JSON.stringify(old) !== JSON.stringify(now)) return true;
  return before.deactivated_members !== after.deactivated_members && now.role_mapping.length > 0;
}
