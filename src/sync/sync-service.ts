import { openConnector, withoutCommonKeys } from "./connector-settings.js";
import type { ConnectorCheck } from "../connectors/connector-kind.js";
import { SourceError } from "../connectors/source.js";
import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import type { Deps } from "../core/deps.js";
import { AppError, Errors } from "../core/errors.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { isIngestType } from "../directory/directory-types.js";
import { outboundPolicy, withOutboundPolicy } from "../outbound/outbound-policy.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { DirectoryRow, SyncRunRow } from "../storage/schema.js";
import type { RunOutcome } from "./run-finish.js";
import { executeRun, type PullDirectory, type RunDeps, type RunOptions } from "./run-execution.js";
import { ABANDONED, type SyncRunObject, toRunObject } from "./run-object.js";
import { failRunningRun, type RunFailure, reclaimAbandonedRuns } from "./abandoned-runs.js";
import { discardHeldRun, heldRun, refuseIfSuperseded } from "./held-runs.js";
import { insertRun, type NewRun } from "./run-records.js";
import { runnerIsGone, runnerText, thisRunner } from "./run-runner.js";
import { acquireLease, releaseLease } from "./sync-lease.js";
import { nextDue, readSyncSettings } from "./sync-settings.js";
import { runOnThread, type SyncThreadOptions } from "./sync-thread-launcher.js";

export type { SyncLog } from "./run-execution.js";
export type { SyncThreadOptions } from "./sync-thread-launcher.js";

export interface SyncServiceDeps extends Deps, RunDeps {
  readonly keyring: SecretKeyring;
  /**
   * Run each sync (but a one-user sync) on a thread of its own, so its writes and its garbage never
   * hold this event loop (better-sqlite3 is synchronous). The thread builds its connector kinds
   * itself: the default ones, or those of `thread.kindsModule`. Without it, runs share the event loop.
   */
  readonly thread?: SyncThreadOptions | undefined;
}

/** What `POST /directories/{id}/connector/test` answers: `ok` when every check passed. */
export interface ConnectorTestResult {
  readonly ok: boolean;
  readonly checks: readonly ConnectorCheck[];
}

export interface StartOptions {
  readonly dryRun?: boolean | undefined;
  /** `auto` (scheduled runs): delta where the source allows it, full when one is due. */
  readonly mode?: "full" | "delta" | "auto" | undefined;
  readonly trigger?: "manual" | "schedule" | "upload" | undefined;
  /** A CSV body sent with `POST /directories/{id}/csv`. */
  readonly upload?: string | undefined;
}

/** Sync runs of pull directories: start, watch, confirm; one at a time per directory. */
export function createSyncService(deps: SyncServiceDeps) {
  const { db, clock, ids, kinds, thread } = deps;
  const runDeps: SyncServiceDeps = { ...deps, outboundPrivate: deps.config.outboundPrivate };
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();

  /** The caller's pull directory, or 404/409; what reading its runs needs (no credentials opened). */
  async function findPullRow(id: string, scope: string | null): Promise<DirectoryRow & { connector: string }> {
    let query = db.selectFrom("directories").selectAll().where("id", "=", id);
    if (scope !== null) query = query.where("organization_id", "=", scope);
    const row = await query.executeTakeFirst();
    if (!row) throw Errors.notFound("Directory", id);
    if (isIngestType(row.type) || row.connector === null)
      throw new AppError(
        409,
        "not_a_pull_directory",
        `Directory ${id} receives SCIM pushes; only pull directories sync`,
      );
    return { ...row, connector: row.connector };
  }

  /** A live pull directory with its connector opened: what starting a run needs. */
  async function loadDirectory(id: string, scope: string | null): Promise<PullDirectory> {
    const row = await findPullRow(id, scope);
    if (row.deleted_at !== null)
      throw new AppError(409, "directory_deleted", `Directory ${id} is deleted; restore it first`);
    const config = openConnector(deps.keyring.box(), row.id, row.connector);
    return { row, config, settings: readSyncSettings(config).settings };
  }

  async function chooseMode(
    dir: PullDirectory,
    requested: StartOptions["mode"],
    supportsDelta: boolean,
  ): Promise<{ mode: "full" | "delta"; changedSince?: string }> {
    if (requested === "full" || !supportsDelta) return { mode: "full" };
    const sync = await db
      .selectFrom("directory_syncs")
      .selectAll()
      .where("directory_id", "=", dir.row.id)
      .executeTakeFirst();
    if (!sync?.watermark || !sync.last_full_at) return { mode: "full" };
    const fullDue = Date.parse(sync.last_full_at) + dir.settings.fullSyncEveryMs <= clock.now().getTime();
    if (requested === "auto" && fullDue) return { mode: "full" };
    return { mode: "delta", changedSince: sync.watermark };
  }

  /**
   * Takes the directory's lease for `runId`. A lease still held by a run whose process is known
   * dead (this host's, e.g. before a restart) is not waited out: that run is recorded as failed
   * and the lease taken. Otherwise answers 409 naming the run in progress.
   */
  async function takeLease(directoryId: string, runId: string, now: Date): Promise<void> {
    let lease = await acquireLease(db, directoryId, runId, now);
    if (!lease.acquired && lease.holder !== null) {
      const holder = await db.selectFrom("sync_runs").selectAll().where("id", "=", lease.holder).executeTakeFirst();
      if (holder && holder.state === "running" && runnerIsGone(holder.runner)) {
        await failRunningRun(deps, holder, ABANDONED);
        lease = await acquireLease(db, directoryId, runId, now);
      }
    }
    if (!lease.acquired) {
      throw new AppError(
        409,
        "sync_in_progress",
        `Directory ${directoryId} is already syncing (run ${lease.holder ?? "unknown"}); wait for it to finish`,
      );
    }
  }

  /** Takes the lease and records the run, or answers 409 naming the run in progress. */
  async function begin(
    dir: PullDirectory,
    run: Omit<NewRun, "now" | "directoryId" | "organizationId" | "runner">,
  ): Promise<SyncRunRow> {
    const now = clock.now();
    await takeLease(dir.row.id, run.id, now);
    // The lease was free: whatever run of the directory is still marked running has no process.
    await reclaimAbandonedRuns(deps, { directoryId: dir.row.id, exceptRunId: run.id });
    // A held upload is superseded by any newer real run: only the latest one can be confirmed.
    if (!run.dryRun)
      await db
        .updateTable("sync_runs")
        .set({ upload: null })
        .where("directory_id", "=", dir.row.id)
        .where("upload", "is not", null)
        .execute();
    if (run.trigger === "schedule" && dir.settings.schedule) {
      await db
        .updateTable("directory_syncs")
        .set({ next_due_at: nextDue(dir.settings.schedule, now).toISOString() })
        .where("directory_id", "=", dir.row.id)
        .execute();
    }
    return insertRun(db, {
      ...run,
      directoryId: dir.row.id,
      organizationId: dir.row.organization_id,
      runner: runnerText(thisRunner()),
      now,
    });
  }

  /** Runs the sync to its end and records how it ended; never throws. */
  async function execute(dir: PullDirectory, run: SyncRunRow, options: RunOptions): Promise<RunOutcome> {
    const controller = new AbortController();
    let finished: () => void = () => {};
    running.set(run.id, { controller, done: new Promise<void>((resolve) => (finished = resolve)) });
    try {
      // One user is quick: not worth a thread's start.
      if (!thread || run.mode === "user") return await executeRun(runDeps, dir, run, options, controller);
      const data = {
        database: thread.database,
        sharing: thread.sharing,
        dir: { row: dir.row, config: dir.config },
        run,
        options,
        batchSize: deps.batchSize,
        outboundPrivate: deps.config.outboundPrivate,
        kindsModule: thread.kindsModule,
      };
      return await runOnThread(data, thread.heapMb, {
        signal: controller.signal,
        log: deps.log,
        onEvents: () => thread.eventWrites?.announce(),
      });
    } catch (error) {
      deps.log.error({ err: error, run: run.id }, "sync thread failed");
      const failure = {
        reason: "internal",
        message: `The sync failed: ${error instanceof Error ? error.message : String(error)}`,
      };
      await recordCrash(dir, run, failure).catch((err: unknown) =>
        deps.log.error({ err, run: run.id }, "recording the end of a sync run failed"),
      );
      return { state: "failed", ...failure };
    } finally {
      running.delete(run.id);
      finished();
    }
  }

  /** A thread that died before recording its run: the run ends failed, keeping the counts it saved, and the lease goes. */
  async function recordCrash(dir: PullDirectory, run: SyncRunRow, failure: RunFailure): Promise<void> {
    const saved = await db.selectFrom("sync_runs").selectAll().where("id", "=", run.id).executeTakeFirst();
    if (saved) await failRunningRun(deps, saved, failure, clock.now().toISOString());
    await releaseLease(db, dir.row.id, run.id);
  }

  /**
   * Whether the directory's source can read only what changed. A source that cannot even open (a
   * CSV directory with no path and no upload) refuses a run a person or an upload asked for, with
   * its reason and nothing recorded: such a run would fail at once and, being newer, supersede a
   * run the mass-removal guard holds. A scheduled one is recorded failed, so the schedule moves on.
   */
  async function deltaSupported(dir: PullDirectory, options: StartOptions): Promise<boolean> {
    try {
      const probe = kinds[dir.row.type]?.open(withoutCommonKeys(dir.config), { upload: options.upload });
      await probe?.close();
      return probe?.supportsDelta ?? false;
    } catch (error) {
      if (error instanceof SourceError && options.trigger !== "schedule")
        throw new AppError(409, "source_misconfigured", error.message, [], { cause: error });
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
      const supportsDelta = await deltaSupported(dir, options);
      const { mode, changedSince } = await chooseMode(dir, options.mode ?? "full", supportsDelta);
      const run = await begin(dir, {
        id: ids("syncRun"),
        mode,
        trigger: options.trigger ?? "manual",
        dryRun: options.dryRun ?? false,
        username: null,
      });
      inBackground(execute(dir, run, { upload: options.upload, changedSince, confirmed: false }));
      return toRunObject(run, clock.now());
    },

    /**
     * Runs the directory type's test action against the stored settings: credentials and each permission a run
     * needs, as named checks. Writes nothing (the directory's state included).
     */
    async testConnector(directoryId: string, scope: string | null, signal?: AbortSignal): Promise<ConnectorTestResult> {
      const dir = await loadDirectory(directoryId, scope);
      const test = kinds[dir.row.type]?.test;
      if (!test)
        throw new AppError(
          422,
          "connector_test_unsupported",
          `Directory type "${dir.row.type}" has no connector test; start a dry run instead`,
        );
      let checks: readonly ConnectorCheck[];
      try {
        // Held to the directory's own policy, as a run is: the test must not reach what a run may not, nor be refused what a run may reach.
        const policy = outboundPolicy(deps.config.outboundPrivate, dir.row.private_network === 1, "directory");
        checks = await withOutboundPolicy(policy, () => test(withoutCommonKeys(dir.config), signal ? { signal } : {}));
      } catch (error) {
        if (error instanceof SourceError)
          throw new AppError(409, "source_misconfigured", error.message, [], { cause: error });
        throw error;
      }
      return { ok: checks.every((check) => check.ok), checks };
    },

    /** Syncs one user and answers when done. */
    async syncUser(
      directoryId: string,
      scope: string | null,
      username: string,
      dryRun = false,
    ): Promise<SyncRunObject> {
      const dir = await loadDirectory(directoryId, scope);
      const run = await begin(dir, { id: ids("syncRun"), mode: "user", trigger: "manual", dryRun, username });
      const outcome = await execute(dir, run, { confirmed: false });
      if (outcome.state === "failed" && outcome.reason === "user_not_found")
        throw new AppError(404, "user_not_found", outcome.message);
      return presentRun(run.id);
    },

    /** Releases a run held by the mass-removal guard: it runs again, removals allowed. */
    async confirm(
      directoryId: string,
      runId: string,
      scope: string | null,
      audit?: AuditContext | null,
    ): Promise<SyncRunObject> {
      const dir = await loadDirectory(directoryId, scope);
      const held = await heldRun(db, directoryId, runId, "confirmed");
      await refuseIfSuperseded(db, held);
      const now = clock.now();
      await takeLease(directoryId, runId, now);
      const resumed = {
        state: "running",
        phase: "connecting",
        confirmed_at: now.toISOString(),
        heartbeat_at: now.toISOString(),
        finished_at: null,
        runner: runnerText(thisRunner()),
      };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("sync_runs").set(resumed).where("id", "=", runId).execute();
        await recordAudit(trx, deps, audit, {
          action: "sync.confirmed",
          targetId: runId,
          organizationId: dir.row.organization_id,
        });
      });
      // The held pass wrote nothing: the confirmed run applies the whole change, and its counts are its own.
      inBackground(execute(dir, { ...held, ...resumed }, { confirmed: true, upload: held.upload ?? undefined }));
      return presentRun(runId);
    },

    /** Drops a run held by the mass-removal guard (`held-runs.ts`). */
    async discard(directoryId: string, runId: string, scope: string | null): Promise<SyncRunObject> {
      await findPullRow(directoryId, scope);
      await discardHeldRun(db, directoryId, runId, clock.now());
      return presentRun(runId);
    },

    /** The directory's current or last run, or 404 if it never synced. */
    async current(directoryId: string, scope: string | null): Promise<SyncRunObject> {
      await findPullRow(directoryId, scope);
      const row = await db
        .selectFrom("sync_runs")
        .selectAll()
        .where("directory_id", "=", directoryId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!row) throw new AppError(404, "no_sync_yet", `Directory ${directoryId} has not synced yet`);
      return toRunObject(row, clock.now());
    },

    async get(directoryId: string, runId: string, scope: string | null): Promise<SyncRunObject> {
      await findPullRow(directoryId, scope);
      const row = await db
        .selectFrom("sync_runs")
        .selectAll()
        .where("id", "=", runId)
        .where("directory_id", "=", directoryId)
        .executeTakeFirst();
      if (!row) throw Errors.notFound("Sync run", runId);
      return toRunObject(row, clock.now());
    },

    async list(directoryId: string, scope: string | null, page: PageRequest): Promise<Page<SyncRunObject>> {
      await findPullRow(directoryId, scope);
      const result = await paginate(
        db.selectFrom("sync_runs").selectAll().where("directory_id", "=", directoryId),
        "id",
        page,
      );
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
          if (!(error instanceof AppError && error.status === 409))
            deps.log.error({ err: error, directory: directory_id }, "starting a scheduled sync failed");
        }
      }
      return started;
    },

    /** Records runs whose process died as failed (see `reclaimAbandonedRuns`); returns how many. */
    async reclaimAbandoned(): Promise<number> {
      return reclaimAbandonedRuns(deps);
    },

    /** How many runs this process has in progress. */
    running(): number {
      return running.size;
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
