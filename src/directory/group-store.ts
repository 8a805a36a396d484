import { assertWithinLimits, groupInputProblems } from "./input-limits.js";
import type { DirectoryGroupRow, DirectoryUserRow } from "../storage/schema.js";
import { type DirectoryGroup, toDirectoryGroup } from "./group-object.js";
import { applyMemberChange } from "./membership-store.js";
import { memberEvent, membershipVisible } from "./membership-events.js";
import { appendEvents, type EventDraft, eventRows } from "./outbox.js";
import { refreshRoles, refreshRolesOfGroup } from "./refresh-derived.js";
import { inTransaction } from "./in-transaction.js";
import { StoreErrors } from "./store-errors.js";
import type { Db, DirectoryContext, GroupInput, MemberChange } from "./types.js";
import { NO_MEMBER_CHANGE } from "./types.js";
import { chunks } from "../storage/value-lists.js";
import { loadUsers } from "./user-rows.js";
import type { StoreDeps } from "./user-store.js";
import { createMappingCache } from "./mapping/mapping-cache.js";
import { changeMembersStatement, memberCandidates } from "./member-change-statement.js";
import { toDirectoryUser } from "./user-object.js";

export interface StoredGroup {
  readonly group: DirectoryGroup;
  readonly version: number;
}

/** Whether `input` would leave the group's stored attributes as they are (compared as they are stored). */
export function sameGroupAttributes(input: GroupInput, group: DirectoryGroup): boolean {
  const next = groupColumns(input);
  const current = groupColumns({ name: group.name, idpId: group.idp_id, rawAttributes: group.raw_attributes });
  return next.idp_id === current.idp_id && next.name === current.name && next.raw_attributes === current.raw_attributes;
}

function groupColumns(input: GroupInput) {
  return { idp_id: input.idpId, name: input.name, name_lower: input.name.toLowerCase(), raw_attributes: JSON.stringify(input.rawAttributes) };
}

/** Groups of a directory and their memberships: every write and its events in one transaction. */
export function createGroupStore(deps: StoreDeps) {
  const { db, caps, clock, ids } = deps;
  const mappings = createMappingCache();

  /** The group's row, locked (where the backend can) so concurrent changes of one group wait for each other. */
  async function mustLoad(trx: Db, dir: DirectoryContext, id: string): Promise<DirectoryGroupRow> {
    const query = trx.selectFrom("directory_groups").selectAll().where("directory_id", "=", dir.id).where("id", "=", id);
    const row = await (caps.rowLocks ? query.forUpdate() : query).executeTakeFirst();
    if (!row) throw StoreErrors.groupNotFound(id);
    return row;
  }

  async function assertNameFree(trx: Db, dir: DirectoryContext, name: string, exceptId?: string): Promise<void> {
    let query = trx.selectFrom("directory_groups").select("id").where("directory_id", "=", dir.id).where("name_lower", "=", name.toLowerCase());
    if (exceptId) query = query.where("id", "!=", exceptId);
    if (await query.executeTakeFirst()) throw StoreErrors.groupNameTaken(name);
  }

  async function write<T>(name: string | (() => string), work: (trx: Db) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(db, work);
    } catch (error) {
      if (caps.isUniqueViolation(error)) throw StoreErrors.groupNameTaken(typeof name === "string" ? name : name());
      throw error;
    }
  }

  /**
   * A change of members alone, as one read and one statement (member-change-statement.ts) instead
   * of a transaction of ten: where the backend has writable CTEs, outside a caller's transaction,
   * when the directory maps no roles (a membership then changes no user), against the version
   * `seen` has. Undefined when it does not apply, or the directory's settings moved under it twice:
   * then the transaction does the change.
   */
  async function changeMembersInOneStatement(dir: DirectoryContext, seen: StoredGroup, change: MemberChange): Promise<StoredGroup | undefined> {
    if (!caps.writableCtes || !caps.arrayParameters || db.isTransaction || change.replaceAll !== null) return undefined;
    const add = new Set(change.add);
    const remove = new Set(change.remove.filter((id) => !add.has(id)));
    if (add.size + remove.size === 0) return seen;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const known = await mappings.get(db, dir.id);
      if (!known || known.mapping.roles.length > 0) return undefined;
      const found = new Map((await memberCandidates(db, dir.id, seen.group.id, [...add, ...remove])).map((row) => [row.id, row]));
      const unknown = [...add].filter((id) => !found.has(id));
      if (unknown.length > 0) throw StoreErrors.unknownMembers(unknown);
      const adds = [...add].filter((id) => found.get(id)?.present === false);
      const removes = [...remove].filter((id) => found.get(id)?.present === true);
      if (adds.length + removes.length === 0) return seen;
      // The events carry the group as it was read, as the transaction's do.
      const drafts: Array<{ userId: string; draft: EventDraft }> = [];
      for (const [memberIds, type] of [[adds, "dsync.group.user_added"], [removes, "dsync.group.user_removed"]] as const) {
        for (const id of memberIds) {
          const user = toDirectoryUser(found.get(id) as DirectoryUserRow);
          if (membershipVisible(dir, user)) drafts.push({ userId: id, draft: memberEvent(dir, type, user, seen.group) });
        }
      }
      const rows = eventRows(deps, drafts.map((d) => d.draft));
      const events = drafts.map((d, i) => ({ userId: d.userId, row: rows[i] as (typeof rows)[number] }));
      const now = clock.now().toISOString();
      const change = { directoryId: dir.id, organizationId: dir.organizationId, groupId: seen.group.id, version: seen.version, settings: known.settings, now, adds, removes, events };
      const outcome = await changeMembersStatement(db, change);
      if (outcome.written) return { group: toDirectoryGroup(outcome.row), version: outcome.row.version };
      if (outcome.moved === "version") throw StoreErrors.versionMismatch(seen.group.id);
      mappings.forget(dir.id);
    }
    return undefined;
  }

  return {
    async get(directoryId: string, id: string): Promise<StoredGroup | undefined> {
      const row = await db.selectFrom("directory_groups").selectAll().where("directory_id", "=", directoryId).where("id", "=", id).executeTakeFirst();
      return row && { group: toDirectoryGroup(row), version: row.version };
    },

    async create(dir: DirectoryContext, input: GroupInput, memberIds: readonly string[] = []): Promise<StoredGroup> {
      assertWithinLimits(groupInputProblems(input));
      return write(input.name, async (trx) => {
        await assertNameFree(trx, dir, input.name);
        const now = clock.now().toISOString();
        const row: DirectoryGroupRow = { id: ids("group"), directory_id: dir.id, organization_id: dir.organizationId, ...groupColumns(input), version: 1, created_at: now, updated_at: now };
        await trx.insertInto("directory_groups").values(row).execute();
        const group = toDirectoryGroup(row);
        await appendEvents(trx, deps, [{ event: "dsync.group.created", organizationId: dir.organizationId, directoryId: dir.id, data: group }]);
        await refreshRoles(trx, deps, dir, await applyMemberChange(trx, deps, dir, group, { ...NO_MEMBER_CHANGE, add: memberIds }));
        return { group, version: 1 };
      });
    },

    /**
     * Changes a group's attributes (when `input` is given) and its members (as a change, never the
     * whole list). The version moves when either changes. The row is locked first; without
     * `expectedVersion` the change applies to the group as it is then, and `next` may be a function
     * of it (a SCIM PATCH applies its operations there). With `next` null (members alone) and
     * `seen`, the group as the caller read it at `expectedVersion`, the change may take one statement.
     */
    async update(
      dir: DirectoryContext,
      id: string,
      next: GroupInput | null | ((current: DirectoryGroup) => GroupInput),
      members: MemberChange,
      expectedVersion?: number,
      seen?: StoredGroup,
    ): Promise<StoredGroup> {
      if (next === null && seen?.group.id === id && seen.version === expectedVersion) {
        const done = await changeMembersInOneStatement(dir, seen, members);
        if (done) return done;
      }
      let name = typeof next === "function" ? "" : (next?.name ?? "");
      return write(() => name, async (trx) => {
        const before = await mustLoad(trx, dir, id);
        if (expectedVersion !== undefined && before.version !== expectedVersion) throw StoreErrors.versionMismatch(id);
        const input = typeof next === "function" ? next(toDirectoryGroup(before)) : next;
        if (input) assertWithinLimits(groupInputProblems(input));
        name = input?.name ?? "";
        const columns = input ? groupColumns(input) : null;
        const attributesChanged = columns !== null && Object.entries(columns).some(([k, v]) => before[k as keyof DirectoryGroupRow] !== v);
        if (columns && attributesChanged && columns.name_lower !== before.name_lower) await assertNameFree(trx, dir, columns.name, id);
        let row = before;
        if (attributesChanged && columns) row = { ...before, ...columns, updated_at: clock.now().toISOString() };
        const membersChanged = await applyMemberChange(trx, deps, dir, toDirectoryGroup(row), members);
        if (!attributesChanged && membersChanged.length === 0) return { group: toDirectoryGroup(before), version: before.version };
        row = { ...row, version: before.version + 1, updated_at: clock.now().toISOString() };
        const result = await trx
          .updateTable("directory_groups")
          .set({ idp_id: row.idp_id, name: row.name, name_lower: row.name_lower, raw_attributes: row.raw_attributes, version: row.version, updated_at: row.updated_at })
          .where("id", "=", id)
          .where("version", "=", before.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw StoreErrors.versionMismatch(id);
        const group = toDirectoryGroup(row);
        if (attributesChanged) {
          const previous = toDirectoryGroup(before);
          const previous_attributes = Object.fromEntries(
            (["idp_id", "name", "raw_attributes"] as const).filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(group[k])).map((k) => [k, previous[k]]),
          );
          await appendEvents(trx, deps, [{ event: "dsync.group.updated", organizationId: dir.organizationId, directoryId: dir.id, data: { ...group, previous_attributes } }]);
        }
        const renamed = row.name_lower !== before.name_lower || row.idp_id !== before.idp_id;
        if (renamed) await refreshRolesOfGroup(trx, deps, dir, id, membersChanged);
        else await refreshRoles(trx, deps, dir, membersChanged);
        return { group, version: row.version };
      });
    },

    /** Deletes a group; each visible member gets user_removed first, then dsync.group.deleted. */
    async remove(dir: DirectoryContext, id: string, expectedVersion?: number): Promise<void> {
      await inTransaction(db, async (trx) => {
        const row = await mustLoad(trx, dir, id);
        if (expectedVersion !== undefined && row.version !== expectedVersion) throw StoreErrors.versionMismatch(id);
        const group = toDirectoryGroup(row);
        const memberIds = (await trx.selectFrom("group_memberships").select("user_id").where("group_id", "=", id).execute()).map((r) => r.user_id);
        const events: EventDraft[] = [];
        for (const part of chunks(memberIds)) {
          const users = await loadUsers(trx, dir.id, part);
          for (const { user } of users.values()) if (membershipVisible(dir, user)) events.push(memberEvent(dir, "dsync.group.user_removed", user, group));
        }
        await trx.deleteFrom("directory_groups").where("id", "=", id).execute();
        events.push({ event: "dsync.group.deleted", organizationId: dir.organizationId, directoryId: dir.id, data: group });
        for (const part of chunks(events, 200)) await appendEvents(trx, deps, part);
        await refreshRoles(trx, deps, dir, memberIds);
      });
    },
  };
}

export type GroupStore = ReturnType<typeof createGroupStore>;
