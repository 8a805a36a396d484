import type { StoreDeps } from "../directory/index.js";
import { appendEvents } from "../directory/outbox.js";
import type { SyncRunRow } from "../storage/schema.js";
import { ABANDONED, isAbandoned, toRunObject } from "./run-object.js";
import { runnerIsGone } from "./run-runner.js";

export interface RunFailure {
  readonly reason: string;
  readonly message: string;
}

/**
 * Records a run that cannot record its own end (its process or its thread died) as failed, keeping
 * the counts it saved, with its `connector.sync.failed` event, and lets its lease go: all in one
 * transaction, and only if it is still `running` (two processes reclaiming it write it once).
 * `finishedAt` defaults to the run's last sign of life. Returns whether this call recorded it.
 */
export async function failRunningRun(
  deps: StoreDeps,
  row: SyncRunRow,
  failure: RunFailure,
  finishedAt = row.heartbeat_at,
): Promise<boolean> {
  const update = {
    state: "failed",
    phase: "done",
    finished_at: finishedAt,
    failure_reason: failure.reason,
    failure_message: failure.message,
    upload: null,
  };
  return deps.db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable("sync_runs")
      .set(update)
      .where("id", "=", row.id)
      .where("state", "=", "running")
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await trx
      .updateTable("directory_syncs")
      .set({ lease_run_id: null, lease_expires_at: null })
      .where("directory_id", "=", row.directory_id)
      .where("lease_run_id", "=", row.id)
      .execute();
    const data = toRunObject({ ...row, ...update }, deps.clock.now());
    await appendEvents(trx, deps, [
      { event: "connector.sync.failed", organizationId: row.organization_id, directoryId: row.directory_id, data },
    ]);
    return true;
  });
}

export interface ReclaimScope {
  /** Only this directory's runs. */
  readonly directoryId?: string | undefined;
  /** Every other running run of the directory is dead: its lease was just taken by `exceptRunId`. */
  readonly exceptRunId?: string | undefined;
}

/**
 * Records as failed (`interrupted`) the runs still marked running whose process is gone: known
 * dead from here (this host's process that no longer exists, see `run-runner.ts`), silent past
 * the lease's life, or, with `exceptRunId`, superseded by the run that took the lease over.
 * Returns how many it recorded. Any process may call it at any time.
 */
export async function reclaimAbandonedRuns(deps: StoreDeps, scope: ReclaimScope = {}): Promise<number> {
  let query = deps.db.selectFrom("sync_runs").selectAll().where("state", "=", "running");
  if (scope.directoryId !== undefined) query = query.where("directory_id", "=", scope.directoryId);
  const rows = await query.execute();
  const now = deps.clock.now();
  let reclaimed = 0;
  for (const row of rows) {
    if (row.id === scope.exceptRunId) continue;
    const dead = scope.exceptRunId !== undefined || isAbandoned(row, now) || runnerIsGone(row.runner);
    if (dead && (await failRunningRun(deps, row, ABANDONED))) reclaimed++;
  }
  return reclaimed;
}
