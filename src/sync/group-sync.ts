import type { SourceGroup, SourceItem } from "../connectors/source.js";
import { chunks, createDirectoryStore, NO_MEMBER_CHANGE } from "../directory/index.js";
import type { Db } from "../directory/types.js";
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
}

/** The stored ids of the users a group's members name, in the source's order; unknown members are skipped. */
async function resolveMembers(ctx: EngineContext, memberIdpIds: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const part of chunks([...new Set(memberIdpIds)])) {
    const rows = await ctx.deps.db.selectFrom("directory_users").select("id").where("directory_id", "=", ctx.dir.id).where("idp_id", "in", part).execute();
    for (const row of rows) ids.push(row.id);
  }
  return ids;
}

async function matchRows(ctx: EngineContext, batch: readonly SourceGroup[]): Promise<Map<SourceGroup, DirectoryGroupRow>> {
  const { db } = ctx.deps;
  const byIdp = new Map<string, DirectoryGroupRow>();
  for (const part of chunks(batch.map((g) => g.idpId))) {
    const rows = await db.selectFrom("directory_groups").selectAll().where("directory_id", "=", ctx.dir.id).where("idp_id", "in", part).execute();
    for (const row of rows) if (row.idp_id !== null) byIdp.set(row.idp_id, row);
  }
  const byName = new Map<string, DirectoryGroupRow>();
  for (const part of chunks(batch.filter((g) => !byIdp.has(g.idpId)).map((g) => g.name.toLowerCase()))) {
    const rows = await db.selectFrom("directory_groups").selectAll().where("directory_id", "=", ctx.dir.id).where("name_lower", "in", part).execute();
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
  return row.name !== group.name || row.idp_id !== group.idpId || row.raw_attributes !== JSON.stringify(group.rawAttributes);
}

/** A dry run's verdict on one group: does its stored membership differ from the source's? */
async function membersDiffer(db: Db, groupId: string, memberIds: readonly string[]): Promise<boolean> {
  const rows = await db.selectFrom("group_memberships").select("user_id").where("group_id", "=", groupId).execute();
  if (rows.length !== new Set(memberIds).size) return true;
  const wanted = new Set(memberIds);
  return rows.some((r) => !wanted.has(r.user_id));
}

async function applyBatch(ctx: EngineContext, batch: readonly SourceGroup[], seen: Set<string>): Promise<void> {
  const { tally, dir } = ctx;
  const matched = await matchRows(ctx, batch);
  const plannedGroups: PlannedGroup[] = [];
  for (const group of batch) {
    const row = matched.get(group);
    if (row && seen.has(row.id)) {
      tally.failGroup(group.idpId, `group "${group.name}" appears more than once in the source`);
      continue;
    }
    if (row) seen.add(row.id);
    plannedGroups.push({ group, row, memberIds: await resolveMembers(ctx, group.memberIdpIds) });
    await ctx.checkpoint("groups");
  }
  if (ctx.dryRun) {
    for (const { group, row, memberIds } of plannedGroups) {
      if (!row) {
        tally.groups.created++;
        tally.plan({ action: "create", kind: "group", ref: group.name });
      } else if (attributesDiffer(row, group) || (await membersDiffer(ctx.deps.db, row.id, memberIds))) {
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

async function storedMembers(db: Db, groupId: string): Promise<Set<string>> {
  const rows = await db.selectFrom("group_memberships").select("user_id").where("group_id", "=", groupId).execute();
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Writes one group: its attributes with the first slice of its membership change, then the rest
 * in slices of MEMBER_CHUNK, each its own short transaction, so a 100,000-member group never holds
 * the database (or, on SQLite, the server) for long. Every slice is a consistent state with its events.
 */
async function writeGroup(ctx: EngineContext, planned: PlannedGroup, seen: Set<string>): Promise<"created" | "updated" | "unchanged"> {
  const { dir } = ctx;
  const store = createDirectoryStore(ctx.deps);
  const { group, row, memberIds } = planned;
  if (!row) {
    const created = await store.groups.create(dir, group, memberIds.slice(0, MEMBER_CHUNK));
    seen.add(created.group.id);
    for (let i = MEMBER_CHUNK; i < memberIds.length; i += MEMBER_CHUNK) {
      await ctx.checkpoint("groups");
      await store.groups.update(dir, created.group.id, null, { ...NO_MEMBER_CHANGE, add: memberIds.slice(i, i + MEMBER_CHUNK) });
    }
    return "created";
  }
  const current = await storedMembers(ctx.deps.db, row.id);
  const target = new Set(memberIds);
  const toAdd = [...target].filter((id) => !current.has(id));
  const toRemove = [...current].filter((id) => !target.has(id));
  const attributes = attributesDiffer(row, group) ? group : null;
  if (!attributes && toAdd.length === 0 && toRemove.length === 0) return "unchanged";
  const changes = [...toAdd.map((id) => ["add", id] as const), ...toRemove.map((id) => ["remove", id] as const)];
  for (let i = 0; i === 0 || i < changes.length; i += MEMBER_CHUNK) {
    const slice = changes.slice(i, i + MEMBER_CHUNK);
    const change = { ...NO_MEMBER_CHANGE, add: slice.filter(([op]) => op === "add").map(([, id]) => id), remove: slice.filter(([op]) => op === "remove").map(([, id]) => id) };
    if (i > 0) await ctx.checkpoint("groups");
    await store.groups.update(dir, row.id, i === 0 ? attributes : null, change);
  }
  return "updated";
}

/** Reads the source's groups and writes what differs: attributes and, as a diff, members. */
export async function syncGroups(ctx: EngineContext, items: AsyncIterable<SourceItem<SourceGroup>>, seen: Set<string>): Promise<void> {
  let batch: SourceGroup[] = [];
  let members = 0;
  const flush = async () => {
    await applyBatch(ctx, batch, seen);
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
    batch.push(item.record);
    members += item.record.memberIdpIds.length;
    if (batch.length >= ctx.batchSize || members >= MEMBERS_PER_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}
