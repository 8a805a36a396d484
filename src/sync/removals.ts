import type { SourceItem, SourceRemoval } from "../connectors/source.js";
import type { DirectoryUserRow } from "../storage/schema.js";
import { type EngineContext, messageOf, ONE_BY_ONE_PER_TRANSACTION } from "./engine-context.js";

const PAGE = 500;

/** The ids of the directory's users the source no longer has, a page at a time in id order. */
async function* absentUserIds(ctx: EngineContext, seenUsers: ReadonlySet<string>): AsyncGenerator<string[]> {
  let after = "";
  for (;;) {
    let query = ctx.deps.db
      .selectFrom("directory_users")
      .select("id")
      .where("directory_id", "=", ctx.dir.id)
      .where("id", ">", after);
    // Deactivating an inactive user changes nothing: only deletion looks at them.
    if (ctx.settings.removal === "deactivate") query = query.where("state", "=", "active");
    const rows = await query.orderBy("id").limit(PAGE).execute();
    if (rows.length === 0) return;
    after = (rows.at(-1) as { id: string }).id;
    const absent = rows.filter((r) => !seenUsers.has(r.id)).map((r) => r.id);
    if (absent.length > 0) yield absent;
    await ctx.checkpoint("removals");
  }
}

async function loadRows(ctx: EngineContext, ids: readonly string[]): Promise<DirectoryUserRow[]> {
  return ctx.deps.db
    .selectFrom("directory_users")
    .selectAll()
    .where("directory_id", "=", ctx.dir.id)
    .where("id", "in", ids)
    .orderBy("id")
    .execute();
}

/**
 * Removes (a dry run: plans) what the source no longer has: users, deactivated or deleted per
 * setting, and groups. Returns how many users that is. The mass-removal guard has already spoken:
 * a run it holds never gets here.
 */
export async function removeAbsent(
  ctx: EngineContext,
  seenUsers: ReadonlySet<string>,
  seenGroups: ReadonlySet<string>,
): Promise<number> {
  let users = 0;
  for await (const ids of absentUserIds(ctx, seenUsers)) {
    users += ids.length;
    for (let i = 0; i < ids.length; i += ONE_BY_ONE_PER_TRANSACTION)
      await removeUsers(ctx, await loadRows(ctx, ids.slice(i, i + ONE_BY_ONE_PER_TRANSACTION)));
  }
  await removeAbsentGroups(ctx, seenGroups);
  return users;
}

/** Deactivates or deletes (per setting) users the source no longer has, in one transaction. */
export async function removeUsers(ctx: EngineContext, rows: readonly DirectoryUserRow[]): Promise<void> {
  ctx.signal.throwIfAborted();
  const { tally, dir } = ctx;
  const action = ctx.settings.removal === "delete" ? "delete" : "deactivate";
  if (ctx.dryRun) {
    for (const row of rows) tally.plan({ action, kind: "user", ref: row.username });
    if (action === "delete") tally.users.deleted += rows.length;
    else tally.users.deactivated += rows.length;
    return;
  }
  await ctx.store.batch(async (store) => {
    for (const row of rows) {
      try {
        if (action === "delete") {
          await store.users.remove(dir, row.id);
          tally.users.deleted++;
        } else {
          await store.users.deactivate(dir, row.id);
          tally.users.deactivated++;
        }
      } catch (error) {
        tally.failUser(row.idp_id ?? row.username, messageOf(error));
      }
    }
  });
  await ctx.checkpoint("removals");
}

/** Stored users of the directory with these source keys; on deactivation, only the active ones (the others stay as they are). */
async function rowsByIdpId(ctx: EngineContext, idpIds: readonly string[]): Promise<DirectoryUserRow[]> {
  const rows: DirectoryUserRow[] = [];
  for (const list of ctx.deps.caps.valueLists(idpIds)) {
    let query = ctx.deps.db
      .selectFrom("directory_users")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where(ctx.deps.caps.isOneOf("idp_id", list));
    if (ctx.settings.removal === "deactivate") query = query.where("state", "=", "active");
    rows.push(...(await query.orderBy("id").execute()));
  }
  return rows;
}

/**
 * A delta run's removals: the users and groups the source reported deleted, users deactivated or
 * deleted per setting, as a full run removes what it no longer reads. Unknown keys are skipped.
 * Returns how many users that is, for the mass-removal guard.
 */
export async function removeNamed(
  ctx: EngineContext,
  removals: AsyncIterable<SourceItem<SourceRemoval>>,
): Promise<number> {
  const users = new Set<string>();
  const groups = new Set<string>();
  for await (const item of removals) {
    if (item.kind !== "record") continue;
    (item.record.kind === "user" ? users : groups).add(item.record.idpId);
  }
  const rows = await rowsByIdpId(ctx, [...users]);
  for (let i = 0; i < rows.length; i += ONE_BY_ONE_PER_TRANSACTION)
    await removeUsers(ctx, rows.slice(i, i + ONE_BY_ONE_PER_TRANSACTION));
  if (groups.size > 0) {
    const groupRows: { id: string; name: string }[] = [];
    for (const list of ctx.deps.caps.valueLists([...groups])) {
      groupRows.push(
        ...(await ctx.deps.db
          .selectFrom("directory_groups")
          .select(["id", "name"])
          .where("directory_id", "=", ctx.dir.id)
          .where(ctx.deps.caps.isOneOf("idp_id", list))
          .execute()),
      );
    }
    await removeGroups(ctx, groupRows);
  }
  return rows.length;
}

async function memberCount(ctx: EngineContext, groupId: string): Promise<number> {
  const row = await ctx.deps.db
    .selectFrom("group_memberships")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("group_id", "=", groupId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function removeAbsentGroups(ctx: EngineContext, seenGroups: ReadonlySet<string>): Promise<void> {
  const rows = await ctx.deps.db
    .selectFrom("directory_groups")
    .select(["id", "name"])
    .where("directory_id", "=", ctx.dir.id)
    .execute();
  await removeGroups(
    ctx,
    rows.filter((row) => !seenGroups.has(row.id)),
  );
}

/** Deletes (a dry run: plans) these groups, each alone; their memberships end with them. */
async function removeGroups(ctx: EngineContext, rows: readonly { id: string; name: string }[]): Promise<void> {
  for (const row of rows) {
    ctx.signal.throwIfAborted();
    // A deleted group's memberships end with it: the guard counts them.
    const members = await memberCount(ctx, row.id);
    if (ctx.dryRun) {
      ctx.tally.plan({ action: "delete", kind: "group", ref: row.name });
    } else {
      try {
        await ctx.store.groups.remove(ctx.dir, row.id);
      } catch (error) {
        ctx.tally.failGroup(row.id, messageOf(error));
        continue;
      } finally {
        await ctx.checkpoint("removals");
      }
    }
    ctx.tally.groups.deleted++;
    ctx.tally.membershipRemovals += members;
  }
}
