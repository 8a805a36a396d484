import type { Transaction } from "kysely";
import type { Database } from "../storage/schema.js";
import { createGroupStore } from "./group-store.js";
import { createMappingCache } from "./mapping/mapping-cache.js";
import { reapplyMapping } from "./mapping-reapply.js";
import type { DirectoryContext } from "./types.js";
import { createUserStore, type StoreDeps } from "./user-store.js";
import type { WriteScope } from "./write-scope.js";

/** The store's writes and reads of users and groups, over the database or over one batch's transaction. */
export interface StoreOperations {
  readonly users: ReturnType<typeof createUserStore>;
  readonly groups: ReturnType<typeof createGroupStore>;
}

/** THE directory store: the only writer of users, groups, memberships and their events. */
export interface DirectoryStore extends StoreOperations {
  /**
   * Runs `work` in one transaction (a connector applying a batch of records): each operation on
   * `tx` runs under a savepoint, so a failed one undoes only itself and the batch goes on, and the
   * batch commits once. The one-statement fast paths are not taken inside a batch.
   */
  batch<T>(work: (tx: StoreOperations) => Promise<T>): Promise<T>;
  /** Applies the directory's attribute and role mappings to all its users, in batches. */
  reapplyMapping(dir: DirectoryContext): Promise<number>;
}

/**
 * Builds the store: once per process (and once per sync thread), passed to whatever writes, so
 * every writer shares one cache of the directories' mappings.
 */
export function createDirectoryStore(deps: StoreDeps): DirectoryStore {
  const mappings = createMappingCache();
  const over = (scope: WriteScope): StoreOperations => ({
    users: createUserStore(deps, scope, mappings),
    groups: createGroupStore(deps, scope, mappings),
  });
  const direct = over({ inBatch: false, db: deps.db });
  return Object.freeze({
    ...direct,
    batch: <T>(work: (tx: StoreOperations) => Promise<T>) =>
      deps.db.transaction().execute((trx: Transaction<Database>) => work(over({ inBatch: true, db: trx }))),
    reapplyMapping: (dir: DirectoryContext) => reapplyMapping(deps, dir),
  });
}

export type { StoreDeps } from "./user-store.js";
export type { GroupPatch, StoredGroup, WriteOptions } from "./group-store.js";
export type { StoredUser } from "./user-store.js";
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
export { previewUserMapping } from "./mapping-preview.js";
export { type DirectoryTotals, NO_TOTALS, readDirectoryTotal, readDirectoryTotals } from "./directory-counts.js";
