import type { ConnectorKinds } from "../connectors/connector-kind.js";
import { withoutCommonKeys } from "./connector-settings.js";
import { type ConnectorSource, SourceError } from "../connectors/source.js";
import type { DirectoryStore, StoreDeps } from "../directory/index.js";
import {
  type OutboundPrivateSetting,
  outboundPolicy,
  parseOutboundPrivate,
  withOutboundPolicy,
} from "../outbound/outbound-policy.js";
import { AppError } from "../core/errors.js";
import { StoreError } from "../directory/store-errors.js";
import type { DirectoryRow, SyncRunRow } from "../storage/schema.js";
import type { DeactivatedMembersPolicy } from "../directory/directory-types.js";
import type { EngineContext, SyncPhase } from "./engine-context.js";
import { createStatisticsRefresher } from "./planner-statistics.js";
import { finishRun, type RunOutcome } from "./run-finish.js";
import { saveProgress } from "./run-records.js";
import { RunTally } from "./run-tally.js";
import { runEngine, runSingleUser } from "./sync-engine.js";
import { LEASE_TTL_MS, releaseLease, renewLease } from "./sync-lease.js";
import type { SyncSettings } from "./sync-settings.js";

export interface SyncLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** What running a sync needs: the database, the connector kinds and a log (no keyring: the connector comes opened). */
export interface RunDeps extends StoreDeps {
  /** The process's (or the sync thread's) one directory store. */
  readonly store: DirectoryStore;
  readonly kinds: ConnectorKinds;
  readonly log: SyncLog;
  /** Records per transaction (default 50): small enough that requests never wait long behind a batch. */
  readonly batchSize?: number | undefined;
  /** `ROSTER_OUTBOUND_PRIVATE`; without it, the process environment's. */
  readonly outboundPrivate?: OutboundPrivateSetting | undefined;
}

/** A live pull directory with its connector settings opened. */
export interface PullDirectory {
  readonly row: DirectoryRow;
  readonly config: Record<string, unknown>;
  readonly settings: SyncSettings;
}

export interface RunOptions {
  readonly upload?: string | undefined;
  readonly changedSince?: string | undefined;
  readonly confirmed: boolean;
}

/** How often a running run saves its progress. */
const PROGRESS_EVERY_MS = 1000;
/** How often a running run renews its lease: on a timer, so a long read of the source keeps it too. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 4;

function contextFor(
  deps: RunDeps,
  dir: PullDirectory,
  run: SyncRunRow,
  tally: RunTally,
  signal: AbortSignal,
): EngineContext {
  const { db, clock } = deps;
  let lastSaved = 0;
  const refreshStatistics = createStatisticsRefresher(db, deps.caps);
  return {
    deps,
    store: deps.store,
    dir: {
      id: dir.row.id,
      organizationId: dir.row.organization_id,
      deactivatedMembers: dir.row.deactivated_members as DeactivatedMembersPolicy,
    },
    settings: dir.settings,
    dryRun: run.dry_run === 1,
    signal,
    tally,
    batchSize: deps.batchSize ?? 50,
    grown: (rows, written) => (run.dry_run === 1 ? Promise.resolve() : refreshStatistics(rows, written)),
    async checkpoint(phase: SyncPhase) {
      const now = clock.now();
      if (phase === "users" || phase === "groups" || phase === "removals") {
        if (Date.now() - lastSaved >= PROGRESS_EVERY_MS) {
          lastSaved = Date.now();
          await saveProgress(db, run.id, phase, tally, run.dry_run === 1, now);
        }
      } else {
        await saveProgress(db, run.id, phase, tally, run.dry_run === 1, now);
      }
      // Let whatever else shares this event loop (requests, on the serving thread) run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function failureOf(error: unknown, signal: AbortSignal): RunOutcome {
  if (signal.aborted && signal.reason instanceof SourceError) error = signal.reason;
  if (error instanceof SourceError) return { state: "failed", reason: error.reason, message: error.message };
  if (error instanceof AppError && error.status < 500)
    return { state: "failed", reason: error.code, message: error.message };
  if (error instanceof StoreError) return { state: "failed", reason: error.code, message: error.message };
  if (signal.aborted)
    return { state: "failed", reason: "cancelled", message: "The sync was stopped before it finished" };
  return {
    state: "failed",
    reason: "internal",
    message: `The sync failed: ${error instanceof Error ? error.message : String(error)}`,
  };
}

/**
 * Runs a begun run (its lease taken, its row written) to its end: renews the lease meanwhile,
 * records how it ended and lets the lease go. Never throws. `abort` stops it (recorded as
 * cancelled, or as the abort's SourceError).
 */
export async function executeRun(
  deps: RunDeps,
  dir: PullDirectory,
  run: SyncRunRow,
  options: RunOptions,
  abort: AbortController,
): Promise<RunOutcome> {
  const { db, clock } = deps;
  const tally = new RunTally();
  const ctx = contextFor(deps, dir, run, tally, abort.signal);
  let outcome: RunOutcome;
  let source: ConnectorSource | undefined;
  const renewal = setInterval(() => {
    const now = clock.now();
    renewLease(db, dir.row.id, run.id, now)
      .then(async (held) => {
        if (!held) abort.abort(new SourceError("misconfigured", "The run lost its lease to another process"));
        // The heartbeat readers judge a run alive by, also while the source is still being read.
        else
          await db
            .updateTable("sync_runs")
            .set({ heartbeat_at: now.toISOString() })
            .where("id", "=", run.id)
            .where("state", "=", "running")
            .execute();
      })
      .catch((err: unknown) => deps.log.error({ err, run: run.id }, "renewing a sync lease failed"));
  }, RENEW_EVERY_MS);
  try {
    const kind = deps.kinds[dir.row.type];
    if (!kind) throw new SourceError("misconfigured", `No connector for directory type "${dir.row.type}"`);
    // Every connection the connector makes during the run is held to its directory's policy.
    const setting = deps.outboundPrivate ?? parseOutboundPrivate(process.env.ROSTER_OUTBOUND_PRIVATE) ?? "admin";
    const policy = outboundPolicy(setting, dir.row.private_network === 1, "directory");
    outcome = await withOutboundPolicy(policy, async (): Promise<RunOutcome> => {
      const opened = kind.open(withoutCommonKeys(dir.config), { upload: options.upload });
      source = opened;
      if (run.mode !== "user")
        return runEngine(ctx, opened, {
          mode: run.mode as "full" | "delta",
          changedSince: options.changedSince,
          confirmed: options.confirmed,
        });
      await runSingleUser(ctx, opened, run.username ?? "");
      return { state: "succeeded", watermark: null };
    });
  } catch (error) {
    outcome = failureOf(error, abort.signal);
    if (outcome.state === "failed" && outcome.reason === "internal")
      deps.log.error({ err: error, run: run.id }, "sync run failed");
  } finally {
    await source?.close().catch(() => {});
  }
  try {
    await finishRun(deps, { dir, run, tally, outcome, upload: options.upload });
  } catch (error) {
    deps.log.error({ err: error, run: run.id }, "recording the end of a sync run failed");
  } finally {
    clearInterval(renewal);
    await releaseLease(db, dir.row.id, run.id).catch(() => {});
  }
  deps.log.info({ run: run.id, directory: dir.row.id, state: outcome.state, counts: tally.users }, "sync run ended");
  return outcome;
}
