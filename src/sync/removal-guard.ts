import { readDirectoryTotal } from "../directory/index.js";
import type { EngineContext } from "./engine-context.js";

/**
 * The mass-removal guard: a run that would remove more than `max_removal_percent` of the
 * directory's users, or of its group memberships, waits for confirmation and changes nothing.
 * Users and memberships are judged apart, each against its own total when the run began: a
 * source that lost its groups (a wrong group filter) ends most memberships while every user
 * stays, which is as much a mass removal as losing the users.
 */

/** What the directory had when the run began, that the guard measures removals against. */
export interface GuardBase {
  /** Active users when removal deactivates, all users when it deletes. */
  readonly users: number;
  readonly memberships: number;
}

export interface PlannedRemovals {
  readonly users: number;
  readonly memberships: number;
}

/** True when `removals` is more than `maxPercent` of `before`. */
export function exceedsRemovalLimit(removals: number, before: number, maxPercent: number): boolean {
  if (removals === 0) return false;
  if (before === 0) return false;
  return (removals / before) * 100 > maxPercent;
}

/** Whether the guard holds a run that would make these removals. */
export function guardHolds(planned: PlannedRemovals, before: GuardBase, maxPercent: number): boolean {
  return (
    exceedsRemovalLimit(planned.users, before.users, maxPercent) ||
    exceedsRemovalLimit(planned.memberships, before.memberships, maxPercent)
  );
}

export async function countGuardBase(ctx: EngineContext): Promise<GuardBase> {
  const { db } = ctx.deps;
  const totals = await readDirectoryTotal(db, ctx.dir.id);
  // Through the directory's groups: memberships are keyed by group, with no index on their directory.
  const memberships = db
    .selectFrom("group_memberships")
    .innerJoin("directory_groups", "directory_groups.id", "group_memberships.group_id")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("directory_groups.directory_id", "=", ctx.dir.id);
  const users = ctx.settings.removal === "deactivate" ? totals.activeUsers : totals.users;
  return { users, memberships: Number((await memberships.executeTakeFirstOrThrow()).n) };
}
