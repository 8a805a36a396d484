import { describeProblems, groupInputProblems } from "../directory/input-limits.js";
import type { SourceGroup, SourceItem } from "../connectors/source.js";
import { NO_MEMBER_CHANGE } from "../directory/index.js";
import type { DirectoryGroupRow } from "../storage/schema.js";
import { type EngineContext, messageOf } from "./engine-context.js";

/** Membership changes per transaction: keeps each one short however large the group. */
const MEMBER_CHUNK = 250;
/** Members read per group batch before it is written: bounds what a batch holds in memory. */
const MEMBERS_PER_BATCH = 5000;

interface PlannedGroup {
  readonly group: SourceGroup;
  readonly row: DirectoryGroupRow | undefined;
  /** Stored ids of the members the source names (unknown ones skipped). */
  readonly memberIds: string[];
  /** Stored members of a matched group. */
  readonly current: ReadonlySet<string>;
}

interface MemberIds {
  readonly byIdpId: Map<string, string>;
  readonly byUsername: Map<string, string>;
}

/** Stored user ids for every member a batch of groups names (by key or by username): a few queries for the whole batch. */
async function resolveMembers(ctx: EngineContext, batch: readonly SourceGroup[]): Promise<MemberIds> {
  const { db, caps } = ctx.deps;
  const idpIds = new Set<string>();
  const usernames = new Set<string>();
  for (const group of batch) {
    for (const idpId of group.memberIdpIds) idpIds.add(idpId);
    for (const username of group.memberUsernames ?? []) usernames.add(username.toLowerCase());
  }
  const byIdpId = new Map<string, string>();
  for (const list of caps.valueLists(idpIds)) {
    const rows = await db
      .selectFrom("directory_users")
      .select(["id", "idp_id"])
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("idp_id", list))
      .execute();
    for (const row of rows) if (row.idp_id !== null) byIdpId.set(row.idp_id, row.id);
    await ctx.checkpoint("groups");
  }
  const byUsername = new Map<string, string>();
  for (const list of caps.valueLists(usernames)) {
    const rows = await db
      .selectFrom("directory_users")
      .select(["id", "username_lower"])
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("username_lower", list))
      .execute();
    for (const row of rows) byUsername.set(row.username_lower, row.id);
    await ctx.checkpoint("groups");
  }
  return { byIdpId, byUsername };
}

function memberIdsOf(group: SourceGroup, ids: MemberIds): string[] {
  const found = new Set<string>();
  for (const idpId of group.memberIdpIds) {
    const id = ids.byIdpId.get(idpId);
    if (id !== undefined) found.add(id);
  }
  for (const username of group.memberUsernames ?? []) {
    const id = ids.byUsername.get(username.toLowerCase());
    if (id !== undefined) found.add(id);
  }
  return [...found];
}

/** The stored members of the matched groups of a batch, by group id. */
async function storedMembers(ctx: EngineContext, groupIds: readonly string[]): Promise<Map<string, Set<string>>> {
  const members = new Map<string, Set<string>>(groupIds.map((id) => [id, new Set<string>()]));
  for (const list of ctx.deps.caps.valueLists(groupIds)) {
    const rows = await ctx.deps.db
      .selectFrom("group_memberships")
      .select(["group_id", "user_id"])
      .where(ctx.deps.caps.isOneOf("group_id", list))
      .execute();
    for (const row of rows) members.get(row.group_id)?.add(row.user_id);
    await ctx.checkpoint("groups");
  }
  return members;
}

async function matchRows(
  ctx: EngineContext,
  batch: readonly SourceGroup[],
): Promise<Map<SourceGroup, DirectoryGroupRow>> {
  const { db, caps } = ctx.deps;
  const byIdp = new Map<string, DirectoryGroupRow>();
  for (const list of caps.valueLists(batch.map((g) => g.idpId))) {
    const rows = await db
      .selectFrom("directory_groups")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("idp_id", list))
      .execute();
    for (const row of rows) if (row.idp_id !== null) byIdp.set(row.idp_id, row);
  }
  const byName = new Map<string, DirectoryGroupRow>();
  for (const list of caps.valueLists(batch.filter((g) => !byIdp.has(g.idpId)).map((g) => g.name.toLowerCase()))) {
    const rows = await db
      .selectFrom("directory_groups")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("name_lower", list))
      .execute();
    for (const row of rows) byName.set(row.name_lower, row);
  }
  const matched = new Map<SourceGroup, DirectoryGroupRow>();
  for (const group of batch) {
    const row = byIdp.get(group.idpId) ?? byName.get(group.name.toLowerCase());
    if (row) matched.set(group, row);
  }
  return matched;
}

function attributesDiffer(row: DirectoryGroupRow, group: SourceGroup): boolean {
  return (
    row.name !== group.name || row.idp_id !== group.idpId || row.raw_attributes !== JSON.stringify(group.rawAttributes)
  );
}

/** The membership change that turns `current` into `target`. */
function memberDiff(
  current: ReadonlySet<string>,
  memberIds: readonly string[],
): { toAdd: string[]; toRemove: string[] } {
  const target = new Set(memberIds);
  return {
    toAdd: [...target].filter((id) => !current.has(id)),
    toRemove: [...current].filter((id) => !target.has(id)),
  };
}

async function applyBatch(ctx: EngineContext, batch: readonly SourceGroup[], seen: Set<string>): Promise<void> {
  const { tally } = ctx;
  const matched = await matchRows(ctx, batch);
  const ids = await resolveMembers(ctx, batch);
  const current = await storedMembers(ctx, [...new Set([...matched.values()].map((row) => row.id))]);
  const plannedGroups: PlannedGroup[] = [];
  for (const group of batch) {
    const row = matched.get(group);
    if (row && seen.has(row.id)) {
      tally.failGroup(group.idpId, `group "${group.name}" appears more than once in the source`);
      continue;
    }
    if (row) seen.add(row.id);
    const memberIds = memberIdsOf(group, ids);
    plannedGroups.push({ group, row, memberIds, current: (row && current.get(row.id)) ?? new Set() });
  }
  if (ctx.dryRun) {
    for (const { group, row, memberIds, current: stored } of plannedGroups) {
      const diff = memberDiff(stored, memberIds);
      tally.membershipRemovals += diff.toRemove.length;
      if (!row) {
        tally.groups.created++;
        tally.plan({ action: "create", kind: "group", ref: group.name });
      } else if (attributesDiffer(row, group) || diff.toAdd.length > 0 || diff.toRemove.length > 0) {
        tally.groups.updated++;
        tally.plan({ action: "update", kind: "group", ref: group.name });
      } else tally.groups.unchanged++;
    }
    return;
  }
  for (const planned of plannedGroups) {
    try {
      const outcome = await writeGroup(ctx, planned, seen);
      tally.groups[outcome]++;
    } catch (error) {
      tally.failGroup(planned.group.idpId, messageOf(error));
    }
    // Each group is its own transaction(s): let waiting requests in between.
    await ctx.checkpoint("groups");
  }
}

/**
 * Writes one group: its attributes with the first slice of its membership change, then the rest
 * in slices of MEMBER_CHUNK, each its own short transaction, so a 100,000-member group never holds
 * the database (or, on SQLite, the server) for long. Every slice is a consistent state with its events.
 */
async function writeGroup(
  ctx: EngineContext,
  planned: PlannedGroup,
  seen: Set<string>,
): Promise<"created" | "updated" | "unchanged"> {
  const { dir } = ctx;
  const { store } = ctx;
  const { group, row, memberIds } = planned;
  if (!row) {
    const created = await store.groups.create(dir, group, memberIds.slice(0, MEMBER_CHUNK));
    seen.add(created.group.id);
    for (let i = MEMBER_CHUNK; i < memberIds.length; i += MEMBER_CHUNK) {
      await ctx.checkpoint("groups");
      await store.groups.changeMembers(dir, created.group.id, {
        ...NO_MEMBER_CHANGE,
        add: memberIds.slice(i, i + MEMBER_CHUNK),
      });
    }
    return "created";
  }
  const { toAdd, toRemove } = memberDiff(planned.current, memberIds);
  const attributes = attributesDiffer(row, group) ? group : null;
  if (!attributes && toAdd.length === 0 && toRemove.length === 0) return "unchanged";
  ctx.tally.membershipRemovals += toRemove.length;
  const changes = [...toAdd.map((id) => ["add", id] as const), ...toRemove.map((id) => ["remove", id] as const)];
  for (let i = 0; i === 0 || i < changes.length; i += MEMBER_CHUNK) {
    const slice = changes.slice(i, i + MEMBER_CHUNK);
    const change = {
      ...NO_MEMBER_CHANGE,
      add: slice.filter(([op]) => op === "add").map(([, id]) => id),
      remove: slice.filter(([op]) => op === "remove").map(([, id]) => id),
    };
    if (i > 0) await ctx.checkpoint("groups");
    if (i === 0 && attributes) await store.groups.replace(dir, row.id, attributes, change);
    else await store.groups.changeMembers(dir, row.id, change);
  }
  return "updated";
}

/** Reads the source's groups and writes what differs: attributes and, as a diff, members. */
export async function syncGroups(
  ctx: EngineContext,
  items: AsyncIterable<SourceItem<SourceGroup>>,
  seen: Set<string>,
): Promise<void> {
  let batch: SourceGroup[] = [];
  let members = 0;
  let memberships = 0;
  const flush = async () => {
    await applyBatch(ctx, batch, seen);
    memberships += members;
    await ctx.grown("memberships", memberships);
    batch = [];
    members = 0;
    await ctx.checkpoint("groups");
  };
  for await (const item of items) {
    ctx.signal.throwIfAborted();
    if (item.kind === "invalid") {
      ctx.tally.failGroup(item.ref, item.message);
      continue;
    }
    const problems = groupInputProblems(item.record);
    if (problems.length > 0) {
      ctx.tally.failGroup(item.record.idpId, describeProblems(problems));
      continue;
    }
    batch.push(item.record);
    members += item.record.memberIdpIds.length + (item.record.memberUsernames?.length ?? 0);
    if (batch.length >= ctx.batchSize || members >= MEMBERS_PER_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}
