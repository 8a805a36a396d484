import type { StoreDeps } from "../directory/index.js";
import { appendEvents } from "../directory/outbox.js";
import type { Transaction } from "kysely";
import type { Database, DirectoryRow, SyncRunRow } from "../storage/schema.js";
import { toRunObject } from "./run-object.js";
import { tallyColumns } from "./run-records.js";
import type { RunTally } from "./run-tally.js";
import type { EngineOutcome } from "./sync-engine.js";
import type { SyncSettings } from "./sync-settings.js";

export type RunOutcome =
  | EngineOutcome
  | { readonly state: "failed"; readonly reason: string; readonly message: string };

export interface FinishedRun {
  readonly dir: { readonly row: DirectoryRow; readonly settings: SyncSettings };
  readonly run: SyncRunRow;
  readonly tally: RunTally;
  readonly outcome: RunOutcome;
  /** The CSV rows the run read: kept if the guard holds the run, for the confirmed re-run. */
  readonly upload?: string | undefined;
}

/**
 * Where the next delta run starts, saved by a run that applied its change (a held one changed
 * nothing, so the next delta run must read again what it read). The watermark was taken for the
 * connector settings the run started with: if they were changed while it ran (another
 * `group_filter`, `include_app_groups`, address), it is not saved. The directory's row is locked
 * first, so a PATCH either committed before (and is seen) or waits for this transaction (and drops
 * the watermark itself when it moves the source).
 */
async function savePosition(
  trx: Transaction<Database>,
  deps: StoreDeps,
  ran: { readonly row: DirectoryRow; readonly mode: string; readonly watermark: string | null; readonly now: string },
): Promise<void> {
  const { row, mode, watermark, now } = ran;
  const current = await deps.caps
    .lockForUpdate(trx.selectFrom("directories").select("connector").where("id", "=", row.id))
    .executeTakeFirst();
  if (current?.connector !== row.connector) return;
  const sync: { watermark?: string | null; last_full_at?: string } = {};
  if (watermark !== null) sync.watermark = watermark;
  if (mode === "full") sync.last_full_at = now;
  if (Object.keys(sync).length > 0)
    await trx.updateTable("directory_syncs").set(sync).where("directory_id", "=", row.id).execute();
}

/**
 * Records how a run ended, in one transaction with its event (`connector.sync.completed` or
 * `connector.sync.failed`), the delta watermark, and the directory's state: a wrong password marks
 * it `invalid_credentials`, the next good run marks it `linked` again.
 */
export async function finishRun(deps: StoreDeps, finished: FinishedRun): Promise<void> {
  const { dir, run, tally, outcome, upload } = finished;
  const now = deps.clock.now().toISOString();
  const dryRun = run.dry_run === 1;
  // A held run wrote nothing: like a dry run, it lists what confirming it would do.
  const columns = tallyColumns(tally, dryRun || outcome.state === "needs_confirmation");
  const failed = outcome.state === "failed";
  const update = {
    ...columns,
    state: outcome.state,
    phase: "done",
    heartbeat_at: now,
    finished_at: now,
    failure_reason: failed ? outcome.reason : null,
    failure_message: failed ? outcome.message : null,
    upload: outcome.state === "needs_confirmation" && !dryRun ? (upload ?? null) : null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable("sync_runs").set(update).where("id", "=", run.id).execute();
    if (outcome.state === "succeeded" && !dryRun && run.mode !== "user")
      await savePosition(trx, deps, { row: dir.row, mode: run.mode, watermark: outcome.watermark, now });
    const credentialsWrong = failed && outcome.reason === "invalid_credentials";
    // A run that reached its source links a new directory (`unlinked`) or one whose credentials had failed.
    const reached = !failed && (dir.row.state === "invalid_credentials" || dir.row.state === "unlinked");
    const state = credentialsWrong ? "invalid_credentials" : reached ? "linked" : null;
    const linkedAt = state === "linked" && dir.row.linked_at === null ? { linked_at: now } : {};
    if (state)
      await trx
        .updateTable("directories")
        .set({ state, updated_at: now, ...linkedAt })
        .where("id", "=", dir.row.id)
        .where("deleted_at", "is", null)
        .execute();
    const data = toRunObject({ ...run, ...update, upload: null }, deps.clock.now());
    await appendEvents(trx, deps, [
      {
        event: failed ? "connector.sync.failed" : "connector.sync.completed",
        organizationId: run.organization_id,
        directoryId: run.directory_id,
        data,
      },
    ]);
  });
}
