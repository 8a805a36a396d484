import { assertWithinLimits, groupInputProblems } from "./input-limits.js";
import type { OneStatementWrites } from "../storage/capabilities.js";
import type { DirectoryGroupRow, DirectoryUserRow } from "../storage/schema.js";
import { type DirectoryGroup, toDirectoryGroup } from "./group-object.js";
import { applyMemberChange } from "./membership-store.js";
import { memberEvent, membershipVisible } from "./membership-events.js";
import { appendEvents, type EventDraft, eventRows } from "./outbox.js";
import { refreshRoles, refreshRolesOfGroup } from "./refresh-derived.js";
import { inTransaction, type WriteScope } from "./write-scope.js";
import { StoreErrors } from "./store-errors.js";
import type { Db, DirectoryContext, GroupInput, MemberChange } from "./types.js";
import { NO_MEMBER_CHANGE } from "./types.js";
import { chunks } from "../storage/value-lists.js";
import { loadUsers } from "./user-rows.js";
import type { StoreDeps } from "./user-store.js";
import type { MappingCache } from "./mapping/mapping-cache.js";
import { toDirectoryUser } from "./user-object.js";

export interface StoredGroup {
  readonly group: DirectoryGroup;
  readonly version: number;
}

/** What a PATCH makes of a group: its attributes after the operations, and the change of members they name. */
export interface GroupPatch {
  readonly input: GroupInput;
  readonly members: MemberChange;
}

/** The version the caller last read (a SCIM If-Match): the write fails with `version_mismatch` when it moved. */
export interface WriteOptions {
  readonly ifMatch?: number | undefined;
}

/** Whether `input` would leave the group's stored attributes as they are (compared as they are stored). */
export function sameGroupAttributes(input: GroupInput, group: DirectoryGroup): boolean {
  const next = groupColumns(input);
  const current = groupColumns({ name: group.name, idpId: group.idp_id, rawAttributes: group.raw_attributes });
  return next.idp_id === current.idp_id && next.name === current.name && next.raw_attributes === current.raw_attributes;
}

function groupColumns(input: GroupInput) {
  return {
    idp_id: input.idpId,
    name: input.name,
    name_lower: input.name.toLowerCase(),
    raw_attributes: JSON.stringify(input.rawAttributes),
  };
}

/**
 * Groups of a directory and their memberships: every write and its events in one transaction (or,
 * for a change of members alone where the backend can, one statement), named for the change it makes.
 */
export function createGroupStore(deps: StoreDeps, scope: WriteScope, mappings: MappingCache) {
  const { caps, clock, ids } = deps;
  const db = scope.db;

  /** The group's row, locked (where the backend can) so concurrent changes of one group wait for each other. */
  async function mustLoad(trx: Db, dir: DirectoryContext, id: string): Promise<DirectoryGroupRow> {
    const row = await caps
      .lockForUpdate(
        trx.selectFrom("directory_groups").selectAll().where("directory_id", "=", dir.id).where("id", "=", id),
      )
      .executeTakeFirst();
    if (!row) throw StoreErrors.groupNotFound(id);
    return row;
  }

  function checkVersion(id: string, version: number, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && version !== ifMatch) throw StoreErrors.versionMismatch("group", id);
  }

  async function assertNameFree(trx: Db, dir: DirectoryContext, name: string, exceptId?: string): Promise<void> {
    let query = trx
      .selectFrom("directory_groups")
      .select("id")
      .where("directory_id", "=", dir.id)
      .where("name_lower", "=", name.toLowerCase());
    if (exceptId) query = query.where("id", "!=", exceptId);
    if (await query.executeTakeFirst()) throw StoreErrors.groupNameTaken(name);
  }

  async function write<T>(name: string | (() => string), work: (trx: Db) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(scope, work);
    } catch (error) {
      if (caps.isUniqueViolation(error)) throw StoreErrors.groupNameTaken(typeof name === "string" ? name : name());
      throw error;
    }
  }

  async function get(directoryId: string, id: string): Promise<StoredGroup | undefined> {
    const row = await db
      .selectFrom("directory_groups")
      .selectAll()
      .where("directory_id", "=", directoryId)
      .where("id", "=", id)
      .executeTakeFirst();
    return row && { group: toDirectoryGroup(row), version: row.version };
  }

  /** The one-statement writes, where a change of members alone may take one: the backend has them, outside a batch. */
  const oneStatement = scope.inBatch ? undefined : caps.oneStatement;

  /**
   * The group as the caller names it, read before any write (no lock): what a one-statement change
   * is computed from. Checks `ifMatch` against it.
   */
  async function readForStatement(
    dir: DirectoryContext,
    id: string,
    ifMatch: number | undefined,
  ): Promise<StoredGroup> {
    const seen = await get(dir.id, id);
    if (!seen) throw StoreErrors.groupNotFound(id);
    checkVersion(id, seen.version, ifMatch);
    return seen;
  }

  /**
   * A change of members alone as one read and one statement (`caps.oneStatement`) instead of a
   * transaction of ten, when the directory maps no roles (a membership then changes no user),
   * against the version `seen` has. `moved` when that version moved meanwhile; undefined when the
   * directory maps roles, or its settings moved under it twice: then the transaction does the change.
   */
  async function changeMembersInOneStatement(
    statements: OneStatementWrites,
    dir: DirectoryContext,
    seen: StoredGroup,
    change: MemberChange,
  ): Promise<StoredGroup | "moved" | undefined> {
    const add = new Set(change.add);
    const remove = new Set(change.remove.filter((id) => !add.has(id)));
    if (add.size + remove.size === 0) return seen;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const known = await mappings.get(db, dir.id);
      if (!known || known.mapping.roles.length > 0) return undefined;
      const found = new Map(
        (await statements.memberCandidates(db, dir.id, seen.group.id, [...add, ...remove])).map((row) => [row.id, row]),
      );
      const unknown = [...add].filter((id) => !found.has(id));
      if (unknown.length > 0) throw StoreErrors.unknownMembers(unknown);
      const adds = [...add].filter((id) => found.get(id)?.present === false);
      const removes = [...remove].filter((id) => found.get(id)?.present === true);
      if (adds.length + removes.length === 0) return seen;
      // The events carry the group as it was read, as the transaction's do.
      const drafts: Array<{ userId: string; draft: EventDraft }> = [];
      for (const [memberIds, type] of [
        [adds, "dsync.group.user_added"],
        [removes, "dsync.group.user_removed"],
      ] as const) {
        for (const id of memberIds) {
          const user = toDirectoryUser(found.get(id) as DirectoryUserRow);
          if (membershipVisible(dir, user))
            drafts.push({ userId: id, draft: memberEvent(dir, type, user, seen.group) });
        }
      }
      const rows = eventRows(
        deps,
        drafts.map((d) => d.draft),
      );
      const events = drafts.map((d, i) => ({ userId: d.userId, row: rows[i] as (typeof rows)[number] }));
      const now = clock.now().toISOString();
      const statement = {
        directoryId: dir.id,
        organizationId: dir.organizationId,
        groupId: seen.group.id,
        version: seen.version,
        settings: known.settings,
        now,
        adds,
        removes,
        events,
      };
      const outcome = await statements.changeMembers(db, statement);
      if (outcome.written) return { group: toDirectoryGroup(outcome.row), version: outcome.row.version };
      if (outcome.moved === "version") return "moved";
      mappings.forget(dir.id);
    }
    return undefined;
  }

  /**
   * The write every change but a one-statement one takes: the group's row locked first, `ifMatch`
   * checked, then `next` (the new attributes, or null to keep them, and a change of members)
   * computed from the group as it is then, so concurrent changes of one group land one after another.
   * The version moves when the attributes or the members change.
   */
  async function writeLocked(
    dir: DirectoryContext,
    id: string,
    next: (current: DirectoryGroup) => { input: GroupInput | null; members: MemberChange },
    ifMatch: number | undefined,
  ): Promise<StoredGroup> {
    let name = "";
    return write(
      () => name,
      async (trx) => {
        const before = await mustLoad(trx, dir, id);
        checkVersion(id, before.version, ifMatch);
        const { input, members } = next(toDirectoryGroup(before));
        if (input) assertWithinLimits(groupInputProblems(input));
        name = input?.name ?? "";
        const columns = input ? groupColumns(input) : null;
        const attributesChanged =
          columns !== null && Object.entries(columns).some(([k, v]) => before[k as keyof DirectoryGroupRow] !== v);
        if (columns && attributesChanged && columns.name_lower !== before.name_lower)
          await assertNameFree(trx, dir, columns.name, id);
        let row = before;
        if (attributesChanged && columns) row = { ...before, ...columns, updated_at: clock.now().toISOString() };
        const membersChanged = await applyMemberChange(trx, deps, dir, toDirectoryGroup(row), members);
        if (!attributesChanged && membersChanged.length === 0)
          return { group: toDirectoryGroup(before), version: before.version };
        row = { ...row, version: before.version + 1, updated_at: clock.now().toISOString() };
        const result = await trx
          .updateTable("directory_groups")
          .set({
            idp_id: row.idp_id,
            name: row.name,
            name_lower: row.name_lower,
            raw_attributes: row.raw_attributes,
            version: row.version,
            updated_at: row.updated_at,
          })
          .where("id", "=", id)
          .where("version", "=", before.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw StoreErrors.versionMismatch("group", id);
        const group = toDirectoryGroup(row);
        if (attributesChanged) {
          const previous = toDirectoryGroup(before);
          const previous_attributes = Object.fromEntries(
            (["idp_id", "name", "raw_attributes"] as const)
              .filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(group[k]))
              .map((k) => [k, previous[k]]),
          );
          await appendEvents(trx, deps, [
            {
              event: "dsync.group.updated",
              organizationId: dir.organizationId,
              directoryId: dir.id,
              data: { ...group, previous_attributes },
            },
          ]);
        }
        const renamed = row.name_lower !== before.name_lower || row.idp_id !== before.idp_id;
        if (renamed) await refreshRolesOfGroup(trx, deps, dir, id, membersChanged);
        else await refreshRoles(trx, deps, dir, membersChanged);
        return { group, version: row.version };
      },
    );
  }

  return {
    get,

    async create(dir: DirectoryContext, input: GroupInput, memberIds: readonly string[] = []): Promise<StoredGroup> {
      assertWithinLimits(groupInputProblems(input));
      return write(input.name, async (trx) => {
        await assertNameFree(trx, dir, input.name);
        const now = clock.now().toISOString();
        const row: DirectoryGroupRow = {
          id: ids("group"),
          directory_id: dir.id,
          organization_id: dir.organizationId,
          ...groupColumns(input),
          version: 1,
          created_at: now,
          updated_at: now,
        };
        await trx.insertInto("directory_groups").values(row).execute();
        const group = toDirectoryGroup(row);
        await appendEvents(trx, deps, [
          { event: "dsync.group.created", organizationId: dir.organizationId, directoryId: dir.id, data: group },
        ]);
        await refreshRoles(
          trx,
          deps,
          dir,
          await applyMemberChange(trx, deps, dir, group, { ...NO_MEMBER_CHANGE, add: memberIds }),
        );
        return { group, version: 1 };
      });
    },

    /**
     * Adds and removes members (a change, never the whole list unless `replaceAll`): one statement
     * where it can (see changeMembersInOneStatement), else a transaction. Without `ifMatch`, a
     * version that moved between the read and the statement sends the change to the transaction.
     */
    async changeMembers(
      dir: DirectoryContext,
      id: string,
      change: MemberChange,
      { ifMatch }: WriteOptions = {},
    ): Promise<StoredGroup> {
      if (oneStatement && change.replaceAll === null) {
        const done = await changeMembersInOneStatement(
          oneStatement,
          dir,
          await readForStatement(dir, id, ifMatch),
          change,
        );
        if (done === "moved" && ifMatch !== undefined) throw StoreErrors.versionMismatch("group", id);
        if (done !== undefined && done !== "moved") return done;
      }
      return writeLocked(dir, id, () => ({ input: null, members: change }), ifMatch);
    },

    /**
     * A PATCH: `apply` turns the group into its new attributes and a change of members. When the
     * attributes stay as they are, the change of members alone goes as `changeMembers` does;
     * otherwise `apply` runs again on the group as locked in the write.
     */
    async patch(
      dir: DirectoryContext,
      id: string,
      apply: (current: DirectoryGroup) => GroupPatch,
      { ifMatch }: WriteOptions = {},
    ): Promise<StoredGroup> {
      if (oneStatement) {
        const seen = await readForStatement(dir, id, ifMatch);
        const { input, members } = apply(seen.group);
        if (members.replaceAll === null && sameGroupAttributes(input, seen.group)) {
          const done = await changeMembersInOneStatement(oneStatement, dir, seen, members);
          if (done === "moved" && ifMatch !== undefined) throw StoreErrors.versionMismatch("group", id);
          if (done !== undefined && done !== "moved") return done;
        }
      }
      return writeLocked(dir, id, apply, ifMatch);
    },

    /** Replaces the attributes and applies `members` (a SCIM PUT's whole list, or a connector's diff) in one write. */
    async replace(
      dir: DirectoryContext,
      id: string,
      input: GroupInput,
      members: MemberChange,
      { ifMatch }: WriteOptions = {},
    ): Promise<StoredGroup> {
      return writeLocked(dir, id, () => ({ input, members }), ifMatch);
    },

    /** Deletes a group; each visible member gets user_removed first, then dsync.group.deleted. */
    async remove(dir: DirectoryContext, id: string, { ifMatch }: WriteOptions = {}): Promise<void> {
      await inTransaction(scope, async (trx) => {
        const row = await mustLoad(trx, dir, id);
        checkVersion(id, row.version, ifMatch);
        const group = toDirectoryGroup(row);
        const memberIds = (
          await trx.selectFrom("group_memberships").select("user_id").where("group_id", "=", id).execute()
        ).map((r) => r.user_id);
        const events: EventDraft[] = [];
        for (const part of chunks(memberIds)) {
          const users = await loadUsers(trx, dir.id, part);
          for (const { user } of users.values())
            if (membershipVisible(dir, user)) events.push(memberEvent(dir, "dsync.group.user_removed", user, group));
        }
        await trx.deleteFrom("directory_groups").where("id", "=", id).execute();
        events.push({
          event: "dsync.group.deleted",
          organizationId: dir.organizationId,
          directoryId: dir.id,
          data: group,
        });
        for (const part of chunks(events, 200)) await appendEvents(trx, deps, part);
        await refreshRoles(trx, deps, dir, memberIds);
      });
    },
  };
}

export type GroupStore = ReturnType<typeof createGroupStore>;
