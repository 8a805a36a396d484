import { appendEvents, type EventDraft } from "./outbox.js";
import { deriveColumns, roleGroupsOf, sameDerived } from "./derived-attributes.js";
import { type CompiledMapping, loadMapping } from "./mapping/directory-mapping.js";
import { StoreErrors } from "./store-errors.js";
import type { Db, DirectoryContext } from "./types.js";
import { previousAttributes, toDirectoryUser } from "./user-object.js";
import { chunks } from "../storage/value-lists.js";
import { lockUsers } from "./user-rows.js";
import type { StoreDeps } from "./user-store.js";

/**
 * Recomputes `custom_attributes`, `role` and `roles` of the given users inside the caller's
 * transaction, which has read `mapping` first; writes those that changed with `dsync.user.updated`
 * (with previous_attributes). The users are locked (where the backend can) before what their
 * values derive from is read, so a concurrent writer either finishes first or waits for this one.
 */
export async function refreshDerived(
  trx: Db,
  deps: StoreDeps,
  dir: DirectoryContext,
  mapping: CompiledMapping,
  userIds: readonly string[],
): Promise<number> {
  const users = await lockUsers(trx, deps.caps, dir.id, userIds);
  const groups = await roleGroupsOf(trx, [...users.keys()], mapping);
  const now = deps.clock.now().toISOString();
  const events: EventDraft[] = [];
  for (const { row, user } of users.values()) {
    const derived = deriveColumns(dir, mapping, user.raw_attributes, row.state, groups.get(row.id) ?? []);
    if (sameDerived(row, derived)) continue;
    const next = { ...row, ...derived, version: row.version + 1, updated_at: now };
    const result = await trx
      .updateTable("directory_users")
      .set({ ...derived, version: next.version, updated_at: now })
      .where("id", "=", row.id)
      .where("version", "=", row.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw StoreErrors.versionMismatch("user", row.id);
    const after = toDirectoryUser(next);
    events.push({
      event: "dsync.user.updated",
      organizationId: dir.organizationId,
      directoryId: dir.id,
      data: { ...after, previous_attributes: previousAttributes(user, after) },
    });
  }
  for (const part of chunks(events, 200)) await appendEvents(trx, deps, part);
  return events.length;
}

/** After a membership change: the roles of the users concerned, when the directory maps any. */
export async function refreshRoles(
  trx: Db,
  deps: StoreDeps,
  dir: DirectoryContext,
  userIds: readonly string[],
): Promise<void> {
  if (userIds.length === 0) return;
  const mapping = await loadMapping(trx, deps.caps, dir.id);
  if (mapping.roles.length > 0) await refreshDerived(trx, deps, dir, mapping, userIds);
}

/** After a group's name or idp_id changed: rules may now match it differently, for every member. */
export async function refreshRolesOfGroup(
  trx: Db,
  deps: StoreDeps,
  dir: DirectoryContext,
  groupId: string,
  alsoUserIds: readonly string[] = [],
): Promise<void> {
  const mapping = await loadMapping(trx, deps.caps, dir.id);
  if (mapping.roles.length === 0) return;
  const members = await trx.selectFrom("group_memberships").select("user_id").where("group_id", "=", groupId).execute();
  await refreshDerived(trx, deps, dir, mapping, [...members.map((m) => m.user_id), ...alsoUserIds]);
}
