import { createGroupStore } from "./group-store.js";
import { reapplyMapping } from "./mapping-reapply.js";
import type { DirectoryContext } from "./types.js";
import { createUserStore, type StoreDeps } from "./user-store.js";

/** THE directory store: the only writer of users, groups, memberships and their events. */
export function createDirectoryStore(deps: StoreDeps) {
  return Object.freeze({
    users: createUserStore(deps),
    groups: createGroupStore(deps),
    /** Applies the directory's attribute and role mappings to all its users, in batches. */
    reapplyMapping: (dir: DirectoryContext) => reapplyMapping(deps, dir),
  });
}

export type DirectoryStore = ReturnType<typeof createDirectoryStore>;
export type { StoreDeps } from "./user-store.js";
export type { DirectoryContext, GroupInput, MemberChange, UserInput, EmailInput } from "./types.js";
export { NO_MEMBER_CHANGE } from "./types.js";
export { sameGroupAttributes } from "./group-store.js";
export type { DirectoryUser } from "./user-object.js";
export type { DirectoryGroup } from "./group-object.js";
export { checkAttributeMapping } from "./mapping/attribute-mapping.js";
export { checkRoleMapping, type RoleRule } from "./mapping/role-mapping.js";
export { type DirectoryMapping, readMapping, withMapping } from "./mapping/directory-mapping.js";
export { chunks } from "../storage/value-lists.js";
export { userColumns } from "./user-rows.js";
