import type { ConnectorKinds } from "../connectors/connector-kind.js";
import { openConnector, withoutCommonKeys } from "../connectors/connector-settings.js";
import { type ConnectorSource, SourceError } from "../connectors/source.js";
import type { Deps } from "../core/deps.js";
import { AppError, Errors } from "../core/errors.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { type DeactivatedMembersPolicy, isIngestType } from "../tenancy/directory-types.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { DirectoryRow, SyncRunRow } from "../storage/schema.js";
import type { EngineContext, SyncPhase } from "./engine-context.js";
import { finishRun, type RunOutcome } from "./run-finish.js";
import { type SyncRunObject, toRunObject } from "./run-object.js";
import { failAbandonedRuns, insertRun, type NewRun, saveProgress } from "./run-records.js";
import { RunTally } from "./run-tally.js";
import { createStatisticsRefresher } from "./planner-statistics.js";
import { acquireLease, LEASE_TTL_MS, releaseLease, renewLease } from "./sync-lease.js";
import { runEngine, runSingleUser } from "./sync-engine.js";
import { nextDue, readSyncSettings, type SyncSettings } from "./sync-settings.js";

export interface SyncLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SyncServiceDeps extends Deps {
  readonly keyring: SecretKeyring;
  readonly kinds: ConnectorKinds;
  readonly log: SyncLog;
  /** Records per transaction (default 50): small enough that requests never wait long behind a batch. */
  readonly batchSize?: number;
}

export interface StartOptions {
  readonly dryRun?: boolean | undefined;
  /** `auto` (scheduled runs): delta where the source allows it, full when one is due. */
  readonly mode?: "full" | "delta" | "auto" | undefined;
  readonly trigger?: "manual" | "schedule" | "upload" | undefined;
  /** A CSV body sent with `POST /directories/{id}/csv`. */
  readonly upload?: string | undefined;
}

/** How often a running run saves its progress. */
const PROGRESS_EVERY_MS = 1000;
/** How often a running run renews its lease: on a timer, so a long read of the source keeps it too. */
const RENEW_EVERY_MS = LEASE_TTL_MS / 4;

interface PullDirectory {
  readonly row: DirectoryRow;
  readonly config: Record<string, unknown>;
  readonly settings: SyncSettings;
}

/** Sync runs of pull directories (SPEC §4, §6): start, watch, confirm; one at a time per directory. */
export function createSyncService(deps: SyncServiceDeps) {
  const { db, clock, ids, kinds } = deps;
  const batchSize = deps.batchSize ?? 50;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  /** The caller's pull directory, or 404/409; what reading its runs needs (no credentials opened). */
  async function findPullRow(id: string, scope: string | null): Promise<DirectoryRow & { connector: string }> {
    let query = db.selectFrom("directories").selectAll().where("id", "=", id);
    if (scope !== null) query = query.where("organization_id", "=", scope);
    const row = await query.executeTakeFirst();
    if (!row) throw Errors.notFound("Directory", id);
    if (isIngestType(row.type) || row.connector === null) throw new AppError(409, "not_a_pull_directory", `Directory ${id} receives SCIM pushes; only pull directories sync`);
    return { ...row, connector: row.connector };
  }

  /** A live pull directory with its connector opened: what starting a run needs. */
  async function loadDirectory(id: string, scope: string | null): Promise<PullDirectory> {
    const row = await findPullRow(id, scope);
    if (row.deleted_at !== null) throw new AppError(409, "directory_deleted", `Directory ${id} is deleted; restore it first`);
    const config = openConnector(deps.keyring.box(), row.id, row.connector);
    return { row, config, settings: readSyncSettings(config).settings };
  }

  async function chooseMode(dir: PullDirectory, requested: StartOptions["mode"], supportsDelta: boolean): Promise<{ mode: "full" | "delta"; changedSince?: string }> {
    if (requested === "full" || !supportsDelta) return { mode: "full" };
    const sync = await db.selectFrom("directory_syncs").selectAll().where("directory_id", "=", dir.row.id).executeTakeFirst();
    if (!sync?.watermark || !sync.last_full_at) return { mode: "full" };
    const fullDue = Date.parse(sync.last_full_at) + dir.settings.fullSyncEveryMs <= clock.now().getTime();
    if (requested === "auto" && fullDue) return { mode: "full" };
    return { mode: "delta", changedSince: sync.watermark };
  }

  /** Takes the lease and records the run, or answers 409 naming the run in progress. */
  async function begin(dir: PullDirectory, run: Omit<NewRun, "now" | "directoryId" | "organizationId">): Promise<SyncRunRow> {
    const now = clock.now();
    const lease = await acquireLease(db, dir.row.id, run.id, now);
    if (!lease.acquired) {
      throw new AppError(409, "sync_in_progress", `Directory ${dir.row.id} is already syncing (run ${lease.holder ?? "unknown"}); wait for it to finish`);
    }
    await failAbandonedRuns(db, dir.row.id, run.id, now);
    // A held upload is superseded by any newer real run: only the latest one can be confirmed.
    if (!run.dryRun) await db.updateTable("sync_runs").set({ upload: null }).where("directory_id", "=", dir.row.id).where("upload", "is not", null).execute();
    if (run.trigger === "schedule" && dir.settings.schedule) {
      await db.updateTable("directory_syncs").set({ next_due_at: nextDue(dir.settings.schedule, now).toISOString() }).where("directory_id", "=", dir.row.id).execute();
    }
    return insertRun(db, { ...run, directoryId: dir.row.id, organizationId: dir.row.organization_id, now });
  }

  function contextFor(dir: PullDirectory, run: SyncRunRow, tally: RunTally, controller: AbortController): EngineContext {
    let lastSaved = 0;
    const refreshStatistics = createStatisticsRefresher(db, deps.caps);
    return {
      deps,
      dir: { id: dir.row.id, organizationId: dir.row.organization_id, deactivatedMembers: dir.row.deactivated_members as DeactivatedMembersPolicy },
      settings: dir.settings,
      dryRun: run.dry_run === 1,
      signal: controller.signal,
      tally,
      batchSize,
      grown: (written) => (run.dry_run === 1 ? Promise.resolve() : refreshStatistics(written)),
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
        // Let the server answer the requests that queued behind this batch.
        await new Promise((resolve) => setImmediate(resolve));
      },
    };
  }

  /** Runs the sync to its end and records how it ended; never throws. */
  async function execute(dir: PullDirectory, run: SyncRunRow, options: { upload?: string | undefined; changedSince?: string | undefined; confirmed: boolean; previous?: SyncRunRow }): Promise<RunOutcome> {
    const controller = new AbortController();
    const tally = new RunTally();
    const ctx = contextFor(dir, run, tally, controller);
    let outcome: RunOutcome;
    let source: ConnectorSource | undefined;
    let finished: () => void = () => {};
    running.set(run.id, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
    const renewal = setInterval(() => {
      const now = clock.now();
      renewLease(db, dir.row.id, run.id, now)
        .then(async (held) => {
          if (!held) controller.abort(new SourceError("misconfigured", "The run lost its lease to another process"));
          // The heartbeat readers judge a run alive by, also while the source is still being read.
          else await db.updateTable("sync_runs").set({ heartbeat_at: now.toISOString() }).where("id", "=", run.id).where("state", "=", "running").execute();
        })
        .catch((err: unknown) => deps.log.error({ err, run: run.id }, "renewing a sync lease failed"));
    }, RENEW_EVERY_MS);
    try {
      const kind = kinds[dir.row.type];
      if (!kind) throw new SourceError("misconfigured", `No connector for directory type "${dir.row.type}"`);
      source = kind.open(withoutCommonKeys(dir.config), { upload: options.upload });
      if (run.mode === "user") {
        await runSingleUser(ctx, source, run.username ?? "");
        outcome = { state: "succeeded", watermark: null };
      } else {
        outcome = await runEngine(ctx, source, { mode: run.mode as "full" | "delta", changedSince: options.changedSince, confirmed: options.confirmed });
      }
    } catch (error) {
      outcome = failureOf(error, controller.signal);
      if (outcome.state === "failed" && outcome.reason === "internal") deps.log.error({ err: error, run: run.id }, "sync run failed");
    } finally {
      await source?.close().catch(() => {});
    }
    try {
      await finishRun(deps, { dir, run, tally, outcome, previous: options.previous, upload: options.upload });
    } catch (error) {
      deps.log.error({ err: error, run: run.id }, "recording the end of a sync run failed");
    } finally {
      clearInterval(renewal);
      await releaseLease(db, dir.row.id, run.id).catch(() => {});
      running.delete(run.id);
      finished();
    }
    deps.log.info({ run: run.id, directory: dir.row.id, state: outcome.state, counts: tally.users }, "sync run ended");
    return outcome;
  }

  function failureOf(error: unknown, signal: AbortSignal): RunOutcome {
    if (signal.aborted && signal.reason instanceof SourceError) error = signal.reason;
    if (error instanceof SourceError) return { state: "failed", reason: error.reason, message: error.message };
    if (error instanceof AppError && error.status < 500) return { state: "failed", reason: error.code, message: error.message };
    if (signal.aborted) return { state: "failed", reason: "cancelled", message: "The sync was stopped before it finished" };
    return { state: "failed", reason: "internal", message: `The sync failed: ${error instanceof Error ? error.message : String(error)}` };
  }

  /** Whether the directory's source can read only what changed (a source that cannot even open says no; the run reports why). */
  async function deltaSupported(dir: PullDirectory, upload: string | undefined): Promise<boolean> {
    try {
      const probe = kinds[dir.row.type]?.open(withoutCommonKeys(dir.config), { upload });
      await probe?.close();
      return probe?.supportsDelta ?? false;
    } catch {
      return false;
    }
  }

  async function presentRun(id: string): Promise<SyncRunObject> {
    const row = await db.selectFrom("sync_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    return toRunObject(row, clock.now());
  }

  function inBackground(work: Promise<unknown>): void {
    work.catch((err) => deps.log.error({ err }, "sync run crashed"));
  }

  return {
    /** Starts a run in the background and answers at once with it (state `running`). */
    async start(directoryId: string, scope: string | null, options: StartOptions = {}): Promise<SyncRunObject> {
      const dir = await loadDirectory(directoryId, scope);
      const supportsDelta = await deltaSupported(dir, options.upload);
      const { mode, changedSince } = await chooseMode(dir, options.mode ?? "full", supportsDelta);
      const run = await begin(dir, { id: ids("syncRun"), mode, trigger: options.trigger ?? "manual", dryRun: options.dryRun ?? false, username: null });
      inBackground(execute(dir, run, { upload: options.upload, changedSince, confirmed: false }));
      return toRunObject(run, clock.now());
    },

    /** Syncs one user and answers when done. */
    async syncUser(directoryId: string, scope: string | null, username: string, dryRun = false): Promise<SyncRunObject> {
      const dir = await loadDirectory(directoryId, scope);
      const run = await begin(dir, { id: ids("syncRun"), mode: "user", trigger: "manual", dryRun, username });
      const outcome = await execute(dir, run, { confirmed: false });
      if (outcome.state === "failed" && outcome.reason === "user_not_found") throw new AppError(404, "user_not_found", outcome.message);
      return presentRun(run.id);
    },

    /** Releases a run held by the mass-removal guard: it runs again, removals allowed. */
    async confirm(directoryId: string, runId: string, scope: string | null): Promise<SyncRunObject> {
      const dir = await loadDirectory(directoryId, scope);
      const held = await db.selectFrom("sync_runs").selectAll().where("id", "=", runId).where("directory_id", "=", directoryId).executeTakeFirst();
      if (!held) throw Errors.notFound("Sync run", runId);
      if (held.state !== "needs_confirmation") throw new AppError(409, "not_awaiting_confirmation", `Run ${runId} is ${held.state}; only a run in needs_confirmation can be confirmed`);
      if (held.dry_run === 1) throw new AppError(409, "dry_run", `Run ${runId} was a dry run, which changes nothing; start a real run`);
      const newer = await db.selectFrom("sync_runs").select("id").where("directory_id", "=", directoryId).where("id", ">", runId).where("dry_run", "=", 0).executeTakeFirst();
      if (newer) throw new AppError(409, "superseded", `Run ${runId} was superseded by run ${newer.id}; confirm the latest run instead`);
      const now = clock.now();
      const lease = await acquireLease(db, directoryId, runId, now);
      if (!lease.acquired) throw new AppError(409, "sync_in_progress", `Directory ${directoryId} is already syncing (run ${lease.holder ?? "unknown"})`);
      await db
        .updateTable("sync_runs")
        .set({ state: "running", phase: "connecting", confirmed_at: now.toISOString(), heartbeat_at: now.toISOString(), finished_at: null })
        .where("id", "=", runId)
        .execute();
      const run = { ...held, state: "running", confirmed_at: now.toISOString() };
      inBackground(execute(dir, run, { confirmed: true, previous: held, upload: held.upload ?? undefined }));
      return presentRun(runId);
    },

    /** The directory's current or last run, or 404 if it never synced. */
    async current(directoryId: string, scope: string | null): Promise<SyncRunObject> {
      await findPullRow(directoryId, scope);
      const row = await db.selectFrom("sync_runs").selectAll().where("directory_id", "=", directoryId).orderBy("id", "desc").limit(1).executeTakeFirst();
      if (!row) throw new AppError(404, "no_sync_yet", `Directory ${directoryId} has not synced yet`);
      return toRunObject(row, clock.now());
    },

    async get(directoryId: string, runId: string, scope: string | null): Promise<SyncRunObject> {
      await findPullRow(directoryId, scope);
      const row = await db.selectFrom("sync_runs").selectAll().where("id", "=", runId).where("directory_id", "=", directoryId).executeTakeFirst();
      if (!row) throw Errors.notFound("Sync run", runId);
      return toRunObject(row, clock.now());
    },

    async list(directoryId: string, scope: string | null, page: PageRequest): Promise<Page<SyncRunObject>> {
      await findPullRow(directoryId, scope);
      const result = await paginate(db.selectFrom("sync_runs").selectAll().where("directory_id", "=", directoryId), "id", page);
      const now = clock.now();
      return { ...result, data: result.data.map((row) => toRunObject(row, now)) };
    },

    /** Starts the scheduled runs that are due; returns how many started. */
    async startDue(limit = 10): Promise<number> {
      const due = await db
        .selectFrom("directory_syncs")
        .innerJoin("directories", "directories.id", "directory_syncs.directory_id")
        .select("directory_syncs.directory_id")
        .where("directory_syncs.next_due_at", "<=", clock.now().toISOString())
        .where("directories.deleted_at", "is", null)
        .orderBy("directory_syncs.next_due_at")
        .limit(limit)
        .execute();
      let started = 0;
      for (const { directory_id } of due) {
        try {
          await this.start(directory_id, null, { mode: "auto", trigger: "schedule" });
          started++;
        } catch (error) {
          if (!(error instanceof AppError && error.status === 409)) deps.log.error({ err: error, directory: directory_id }, "starting a scheduled sync failed");
        }
      }
      return started;
    },

    /** Runs in progress in this process (tests and shutdown wait on them). */
    async idle(): Promise<void> {
      await Promise.all([...running.values()].map((r) => r.done));
    },

    /** Stops this process's runs (recorded as failed: cancelled) and waits for them to record it. */
    async close(): Promise<void> {
      for (const r of running.values()) r.controller.abort();
      await this.idle();
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
