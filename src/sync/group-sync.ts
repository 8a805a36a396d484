import type { SourceGroup, SourceItem } from "../connectors/source.js";
import { chunks, createDirectoryStore, NO_MEMBER_CHANGE } from "../directory/index.js";
import type { Db } from "../directory/types.js";
import type { DirectoryGroupRow } from "../storage/schema.js";
import { type EngineContext, messageOf } from "./engine-context.js";

/** Members per transaction before a group batch is written: keeps each transaction short. */
const MEMBERS_PER_BATCH = 5000;

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
  const planned: { group: SourceGroup; row: DirectoryGroupRow | undefined; memberIds: string[] }[] = [];
  for (const group of batch) {
    const row = matched.get(group);
    if (row && seen.has(row.id)) {
      tally.failGroup(group.idpId, `group "${group.name}" appears more than once in the source`);
      continue;
    }
    if (row) seen.add(row.id);
    planned.push({ group, row, memberIds: await resolveMembers(ctx, group.memberIdpIds) });
  }
  if (ctx.dryRun) {
    for (const { group, row, memberIds } of planned) {
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
  await ctx.deps.db.transaction().execute(async (trx) => {
    const store = createDirectoryStore({ ...ctx.deps, db: trx });
    for (const { group, row, memberIds } of planned) {
      try {
        if (!row) {
          const created = await store.groups.create(dir, group, memberIds);
          seen.add(created.group.id);
          tally.groups.created++;
          continue;
        }
        const input = attributesDiffer(row, group) ? group : null;
        const stored = await store.groups.update(dir, row.id, input, { ...NO_MEMBER_CHANGE, replaceAll: memberIds });
        if (stored.version !== row.version) tally.groups.updated++;
        else tally.groups.unchanged++;
      } catch (error) {
        tally.failGroup(group.idpId, messageOf(error));
      }
    }
  });
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
