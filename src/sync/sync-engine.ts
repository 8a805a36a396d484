import { AppError } from "../core/errors.js";
import type {
  ConnectorSource,
  ReadOptions,
  SourceGroup,
  SourceItem,
  SourceRemoval,
  SourceUser,
} from "../connectors/source.js";
import type { EngineContext } from "./engine-context.js";
import { syncGroups } from "./group-sync.js";
import { countGuardBase, guardHolds } from "./removal-guard.js";
import { removeAbsent, removeNamed, removeUsers } from "./removals.js";
import { RunTally } from "./run-tally.js";
import { createSourceSpool } from "./source-spool.js";
import { syncUsers } from "./user-sync.js";

export interface EngineRun {
  readonly mode: "full" | "delta";
  /** Delta runs: the watermark the last run recorded. */
  readonly changedSince?: string | undefined;
  /** The mass-removal guard was confirmed for this run. */
  readonly confirmed: boolean;
}

export interface EngineOutcome {
  readonly state: "succeeded" | "needs_confirmation";
  /** The source's clock before this run read: where the next delta run starts. */
  readonly watermark: string | null;
}

/** What one pass reads: the source itself, or the spool of what the planning pass read from it. */
interface PassInput {
  readonly users: AsyncIterable<SourceItem<SourceUser>>;
  readonly groups: AsyncIterable<SourceItem<SourceGroup>>;
  /** Delta runs: what the source reported deleted. */
  readonly removals: AsyncIterable<SourceItem<SourceRemoval>> | null;
}

/**
 * One pass over the source: users first (so groups can name them), then groups with their
 * members, then, on a full run, what the source no longer has. A dry context plans (counts and
 * lists) without writing. Returns how many users it removed or would remove. Delta runs remove
 * only what the source reports deleted (if it can): only a full run can tell "absent" from
 * "unchanged".
 */
async function runPass(ctx: EngineContext, input: PassInput, mode: EngineRun["mode"]): Promise<number> {
  const seenUsers = new Set<string>();
  const seenGroups = new Set<string>();
  await syncUsers(ctx, input.users, seenUsers);
  await syncGroups(ctx, input.groups, seenGroups);
  if (mode !== "full") {
    if (input.removals === null) return 0;
    await ctx.checkpoint("removals");
    return removeNamed(ctx, input.removals);
  }
  await ctx.checkpoint("removals");
  return removeAbsent(ctx, seenUsers, seenGroups);
}

async function* asItems(removals: AsyncIterable<SourceRemoval>): AsyncIterable<SourceItem<SourceRemoval>> {
  for await (const removal of removals) yield { kind: "record", record: removal };
}

/** What a run reads from the source itself. */
function sourceInput(source: ConnectorSource, read: ReadOptions, mode: EngineRun["mode"]): PassInput {
  const removals = mode === "delta" && source.removals ? asItems(source.removals(read)) : null;
  return { users: source.users(read), groups: source.groups(read), removals };
}

/** The context of a planning pass: it writes nothing and counts into a tally of its own. */
function planningContext(ctx: EngineContext): EngineContext {
  return { ...ctx, dryRun: true, tally: new RunTally(), grown: async () => {} };
}

function holdFor(ctx: EngineContext, plan: RunTally, removedUsers: number): void {
  if (plan !== ctx.tally) ctx.tally.adopt(plan);
  ctx.tally.pendingRemovals = removedUsers;
  ctx.tally.pendingMembershipRemovals = plan.membershipRemovals;
}

/**
 * One sync. Every write goes through the directory store, so it carries the same events as a
 * SCIM change. Unless it is confirmed, a run over a directory that holds anything first plans the
 * whole change without writing (keeping what it read in a spool), then asks the mass-removal
 * guard: a held run changes nothing (no user, membership, group or event) and reports its plan,
 * like a dry run; otherwise the plan is applied from the spool, so what is written is what was judged.
 */
export async function runEngine(ctx: EngineContext, source: ConnectorSource, run: EngineRun): Promise<EngineOutcome> {
  await ctx.checkpoint("connecting");
  await source.check(ctx.signal);
  const watermark = source.supportsDelta ? await source.watermark(ctx.signal) : null;
  const mode = run.mode === "delta" && source.supportsDelta ? "delta" : "full";
  const changedSince = mode === "delta" ? run.changedSince : undefined;
  const read = { signal: ctx.signal, changedSince };
  const before = await countGuardBase(ctx);
  const maxPercent = ctx.settings.maxRemovalPercent;
  // Nothing to remove, or removals allowed: no need to plan first.
  if (run.confirmed || (before.users === 0 && before.memberships === 0)) {
    await runPass(ctx, sourceInput(source, read, mode), run.mode);
    return { state: "succeeded", watermark };
  }
  if (ctx.dryRun) {
    const users = await runPass(ctx, sourceInput(source, read, mode), run.mode);
    if (!guardHolds({ users, memberships: ctx.tally.membershipRemovals }, before, maxPercent))
      return { state: "succeeded", watermark };
    holdFor(ctx, ctx.tally, users);
    return { state: "needs_confirmation", watermark };
  }
  const spool = await createSourceSpool();
  try {
    const plan = planningContext(ctx);
    const fromSource = sourceInput(source, read, mode);
    const input = {
      users: spool.keep("users", fromSource.users, (u) => u.idpId),
      groups: spool.keep("groups", fromSource.groups, (g) => g.idpId),
      removals: fromSource.removals && spool.keep("removals", fromSource.removals, (r) => r.idpId),
    };
    const users = await runPass(plan, input, run.mode);
    if (guardHolds({ users, memberships: plan.tally.membershipRemovals }, before, maxPercent)) {
      holdFor(ctx, plan.tally, users);
      return { state: "needs_confirmation", watermark };
    }
    const removals = input.removals && spool.replay<SourceRemoval>("removals", ctx.signal);
    await runPass(
      ctx,
      { users: spool.replay("users", ctx.signal), groups: spool.replay("groups", ctx.signal), removals },
      run.mode,
    );
    return { state: "succeeded", watermark };
  } finally {
    await spool.dispose();
  }
}

async function* single(user: SourceUser): AsyncIterable<SourceItem<SourceUser>> {
  yield { kind: "record", record: user };
}

/** Syncs one user by username: created or updated from the source, or removed (per setting) when the source lost it. */
export async function runSingleUser(ctx: EngineContext, source: ConnectorSource, username: string): Promise<void> {
  await ctx.checkpoint("connecting");
  await source.check(ctx.signal);
  const record = await source.findUser(username, ctx.signal);
  await ctx.checkpoint("users");
  if (record) {
    await syncUsers(ctx, single(record), new Set());
  } else {
    const row = await ctx.deps.db
      .selectFrom("directory_users")
      .selectAll()
      .where("directory_id", "=", ctx.dir.id)
      .where("username_lower", "=", username.toLowerCase())
      .executeTakeFirst();
    if (!row) throw new AppError(404, "user_not_found", `No user "${username}" in the source or in the directory`);
    if (ctx.settings.removal === "delete" || row.state === "active") await removeUsers(ctx, [row]);
    else ctx.tally.users.unchanged++;
  }
  await ctx.checkpoint("done");
}
