import type { SourceItem, SourceUser } from "../connectors/source.js";
import { describeProblems, userInputProblems } from "../directory/input-limits.js";
import type { DirectoryUserRow } from "../storage/schema.js";
import { type EngineContext, messageOf, ONE_BY_ONE_PER_TRANSACTION } from "./engine-context.js";
import { changedUserFields } from "./user-input.js";

type UserOp =
  | { readonly kind: "create"; readonly input: SourceUser }
  | { readonly kind: "update"; readonly input: SourceUser; readonly row: DirectoryUserRow; readonly fields: string[] };

/** Stored users of the directory matching a batch: by the source's key first, by username for the rest. */
async function matchRows(ctx: EngineContext, batch: readonly SourceUser[]): Promise<Map<SourceUser, DirectoryUserRow>> {
  const { db, caps } = ctx.deps;
  const byIdp = new Map<string, DirectoryUserRow>();
  for (const list of caps.valueLists(batch.map((u) => u.idpId))) {
    const rows = await db
      .selectFrom("directory_users")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("idp_id", list))
      .execute();
    for (const row of rows) if (row.idp_id !== null) byIdp.set(row.idp_id, row);
  }
  const unmatched = batch.filter((u) => !byIdp.has(u.idpId));
  const byUsername = new Map<string, DirectoryUserRow>();
  for (const list of caps.valueLists(unmatched.map((u) => u.username.toLowerCase()))) {
    const rows = await db
      .selectFrom("directory_users")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where(caps.isOneOf("username_lower", list))
      .execute();
    for (const row of rows) byUsername.set(row.username_lower, row);
  }
  const matched = new Map<SourceUser, DirectoryUserRow>();
  for (const user of batch) {
    const row = byIdp.get(user.idpId) ?? byUsername.get(user.username.toLowerCase());
    if (row) matched.set(user, row);
  }
  return matched;
}

/** Decides each record's change; counts the unchanged and the duplicates. */
async function planBatch(ctx: EngineContext, batch: readonly SourceUser[], seen: Set<string>): Promise<UserOp[]> {
  const matched = await matchRows(ctx, batch);
  const ops: UserOp[] = [];
  const claimedUsernames = new Set<string>();
  for (const input of batch) {
    const username = input.username.toLowerCase();
    const row = matched.get(input);
    if ((row && seen.has(row.id)) || claimedUsernames.has(username)) {
      ctx.tally.failUser(input.idpId, `username "${input.username}" appears more than once in the source`);
      continue;
    }
    claimedUsernames.add(username);
    if (!row) {
      ops.push({ kind: "create", input });
      continue;
    }
    seen.add(row.id);
    const fields = changedUserFields(row, input);
    if (fields.length === 0) ctx.tally.users.unchanged++;
    else ops.push({ kind: "update", input, row, fields });
  }
  return ops;
}

/**
 * Applies a batch's changes: the new users together, then the rest in short transactions. A
 * record that fails is rolled back alone (a savepoint) and counted; the others are written.
 */
async function applyBatch(ctx: EngineContext, ops: readonly UserOp[], seen: Set<string>): Promise<void> {
  const { tally, dir } = ctx;
  if (ctx.dryRun) {
    for (const op of ops) {
      tally.plan({
        action: op.kind,
        kind: "user",
        ref: op.input.username,
        ...(op.kind === "update" ? { fields: op.fields } : {}),
      });
      if (op.kind === "create") tally.users.created++;
      else tally.users.updated++;
    }
    return;
  }
  const creates = ops.filter((op) => op.kind === "create").map((op) => op.input);
  let createdTogether = creates.length === 0;
  if (creates.length > 0) {
    try {
      const created = await ctx.store.users.createMany(dir, creates);
      for (const user of created) seen.add(user.id);
      tally.users.created += creates.length;
      createdTogether = true;
    } catch {
      // New users go in with a few multi-row statements; when one of them is refused, none is
      // written: all are retried one by one below, where only the bad record fails (and says why).
    }
    await ctx.checkpoint("users");
  }
  const oneByOne = ops.filter((op) => op.kind === "update" || !createdTogether);
  for (let i = 0; i < oneByOne.length; i += ONE_BY_ONE_PER_TRANSACTION) {
    await writeOneByOne(ctx, oneByOne.slice(i, i + ONE_BY_ONE_PER_TRANSACTION), seen);
    await ctx.checkpoint("users");
  }
}

async function writeOneByOne(ctx: EngineContext, ops: readonly UserOp[], seen: Set<string>): Promise<void> {
  const { tally, dir } = ctx;
  await ctx.store.batch(async (store) => {
    for (const op of ops) {
      try {
        if (op.kind === "create") {
          const { user } = await store.users.create(dir, op.input);
          seen.add(user.id);
          tally.users.created++;
        } else {
          await store.users.replace(dir, op.row.id, op.input);
          // A user the source brings back counts as updated, as any other change.
          tally.users.updated++;
        }
      } catch (error) {
        tally.failUser(op.input.idpId, messageOf(error));
      }
    }
  });
}

/**
 * Reads the source's users in batches and writes what differs. Returns nothing: `seen` collects
 * the ids of stored users the source still has, which the removal step spares.
 */
export async function syncUsers(
  ctx: EngineContext,
  items: AsyncIterable<SourceItem<SourceUser>>,
  seen: Set<string>,
): Promise<void> {
  let batch: SourceUser[] = [];
  const flush = async () => {
    const ops = await planBatch(ctx, batch, seen);
    batch = [];
    await applyBatch(ctx, ops, seen);
    await ctx.grown("users", ctx.tally.users.created + ctx.tally.users.updated);
    await ctx.checkpoint("users");
  };
  for await (const item of items) {
    ctx.signal.throwIfAborted();
    // A record over the store's limits (or with text no backend keeps) fails alone, before any query reads it.
    const problems = item.kind === "record" ? userInputProblems(item.record) : [];
    if (item.kind === "invalid") ctx.tally.failUser(item.ref, item.message);
    else if (problems.length > 0) ctx.tally.failUser(item.record.idpId, describeProblems(problems));
    else batch.push(item.record);
    if (batch.length >= ctx.batchSize) await flush();
  }
  if (batch.length > 0) await flush();
}
