import { AppError } from "../core/errors.js";
import type { ConnectorSource, SourceItem, SourceUser } from "../connectors/source.js";
import type { EngineContext } from "./engine-context.js";
import { syncGroups } from "./group-sync.js";
import { countUsersForGuard, removeAbsent, removeUsers } from "./removals.js";
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

/**
 * One sync: users first (so groups can name them), then groups with their members, then, on a
 * full run, what the source no longer has. Every write goes through the directory store, so it
 * carries the same events as a SCIM change. Delta runs never remove: only a full run can tell
 * "absent" from "unchanged".
 */
export async function runEngine(ctx: EngineContext, source: ConnectorSource, run: EngineRun): Promise<EngineOutcome> {
  await ctx.checkpoint("connecting");
  await source.check(ctx.signal);
  const watermark = source.supportsDelta ? await source.watermark(ctx.signal) : null;
  const usersBefore = await countUsersForGuard(ctx);
  const seenUsers = new Set<string>();
  const seenGroups = new Set<string>();
  const changedSince = run.mode === "delta" && source.supportsDelta ? run.changedSince : undefined;
  await syncUsers(ctx, source.users({ signal: ctx.signal, changedSince }), seenUsers);
  await syncGroups(ctx, source.groups({ signal: ctx.signal, changedSince }), seenGroups);
  let state: EngineOutcome["state"] = "succeeded";
  if (run.mode === "full") {
    await ctx.checkpoint("removals");
    if (!(await removeAbsent(ctx, seenUsers, seenGroups, usersBefore, run.confirmed))) state = "needs_confirmation";
  }
  await ctx.checkpoint("done");
  return { state, watermark };
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
    const row = await ctx.deps.db.selectFrom("directory_users").selectAll().where("directory_id", "=", ctx.dir.id).where("username_lower", "=", username.toLowerCase()).executeTakeFirst();
    if (!row) throw new AppError(404, "user_not_found", `No user "${username}" in the source or in the directory`);
    if (ctx.settings.removal === "delete" || row.state === "active") await removeUsers(ctx, [row]);
    else ctx.tally.users.unchanged++;
  }
  await ctx.checkpoint("done");
}
