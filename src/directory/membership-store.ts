import type { OutboxDeps } from "./outbox.js";
import { appendEvents, type EventDraft } from "./outbox.js";
import { type DirectoryGroup, toDirectoryGroup } from "./group-object.js";
import { memberEvent, membershipVisible } from "./membership-events.js";
import { StoreErrors } from "./store-errors.js";
import type { Db, DirectoryContext, MemberChange } from "./types.js";
import type { DirectoryUser } from "./user-object.js";
import { chunks } from "../storage/value-lists.js";
import { loadUsers } from "./user-rows.js";

async function existingMembers(trx: Db, groupId: string, userIds: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (const part of chunks(userIds)) {
    const rows = await trx
      .selectFrom("group_memberships")
      .select("user_id")
      .where("group_id", "=", groupId)
      .where("user_id", "in", part)
      .execute();
    for (const r of rows) present.add(r.user_id);
  }
  return present;
}

async function allMembers(trx: Db, groupId: string): Promise<string[]> {
  const rows = await trx.selectFrom("group_memberships").select("user_id").where("group_id", "=", groupId).execute();
  return rows.map((r) => r.user_id);
}

/** Turns a change into the exact rows to insert and delete; O(change), except a full push which is O(group). */
async function resolveChange(
  trx: Db,
  groupId: string,
  change: MemberChange,
): Promise<{ toAdd: string[]; toRemove: string[] }> {
  const add = new Set(change.add);
  const remove = new Set(change.remove.filter((id) => !add.has(id)));
  if (change.replaceAll !== null) {
    const target = new Set(change.replaceAll);
    for (const id of remove) target.delete(id);
    for (const id of add) target.add(id);
    const current = new Set(await allMembers(trx, groupId));
    return {
      toAdd: [...target].filter((id) => !current.has(id)),
      toRemove: [...current].filter((id) => !target.has(id)),
    };
  }
  const present = await existingMembers(trx, groupId, [...add, ...remove]);
  return { toAdd: [...add].filter((id) => !present.has(id)), toRemove: [...remove].filter((id) => present.has(id)) };
}

/**
 * Applies a membership change inside the caller's transaction, with its events (one
 * user_added / user_removed per member whose visible membership changed). Returns the ids of the
 * users whose membership changed, whose roles the caller refreshes once the group is written.
 */
export async function applyMemberChange(
  trx: Db,
  deps: OutboxDeps,
  dir: DirectoryContext,
  group: DirectoryGroup,
  change: MemberChange,
): Promise<string[]> {
  const { toAdd, toRemove } = await resolveChange(trx, group.id, change);
  if (toAdd.length === 0 && toRemove.length === 0) return [];
  const users = await loadUsers(trx, dir.id, [...toAdd, ...toRemove]);
  const unknown = toAdd.filter((id) => !users.has(id));
  if (unknown.length > 0) throw StoreErrors.unknownMembers(unknown);

  const now = deps.clock.now().toISOString();
  for (const part of chunks(toAdd)) {
    await trx
      .insertInto("group_memberships")
      .values(part.map((user_id) => ({ group_id: group.id, user_id, directory_id: dir.id, created_at: now })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  for (const part of chunks(toRemove)) {
    await trx.deleteFrom("group_memberships").where("group_id", "=", group.id).where("user_id", "in", part).execute();
  }
  const events: EventDraft[] = [];
  for (const id of toAdd) {
    const user = users.get(id)?.user;
    if (user && membershipVisible(dir, user)) events.push(memberEvent(dir, "dsync.group.user_added", user, group));
  }
  for (const id of toRemove) {
    const user = users.get(id)?.user;
    if (user && membershipVisible(dir, user)) events.push(memberEvent(dir, "dsync.group.user_removed", user, group));
  }
  for (const part of chunks(events, 200)) await appendEvents(trx, deps, part);
  return [...toAdd, ...toRemove];
}

/**
 * What a change of a user's state does to its memberships, per the directory's policy:
 * `hide` keeps the rows and tells readers the user left (or came back), `remove` deletes them,
 * `keep` changes nothing.
 */
export async function applyStateChangeToMemberships(
  trx: Db,
  deps: OutboxDeps,
  dir: DirectoryContext,
  before: DirectoryUser,
  after: DirectoryUser,
): Promise<void> {
  if (before.state === after.state || dir.deactivatedMembers === "keep") return;
  const deactivated = after.state === "inactive";
  if (!deactivated && dir.deactivatedMembers === "remove") return;
  const groupIds = (
    await trx.selectFrom("group_memberships").select("group_id").where("user_id", "=", after.id).execute()
  ).map((r) => r.group_id);
  if (groupIds.length === 0) return;
  if (deactivated && dir.deactivatedMembers === "remove")
    await trx.deleteFrom("group_memberships").where("user_id", "=", after.id).execute();
  const type = deactivated ? "dsync.group.user_removed" : "dsync.group.user_added";
  const user = deactivated ? before : after;
  const events: EventDraft[] = [];
  for (const part of chunks(groupIds)) {
    const groups = await trx.selectFrom("directory_groups").selectAll().where("id", "in", part).execute();
    for (const g of groups) events.push(memberEvent(dir, type, user, toDirectoryGroup(g)));
  }
  await appendEvents(trx, deps, events);
}
