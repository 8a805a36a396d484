import type { Kysely } from "kysely";
import type { Database, SyncRunRow } from "../storage/schema.js";
import { emptyGroupCounts, emptyUserCounts, type RunTally } from "./run-tally.js";
import type { SyncPhase } from "./engine-context.js";

export interface NewRun {
  readonly id: string;
  readonly directoryId: string;
  readonly organizationId: string;
  readonly mode: "full" | "delta" | "user";
  readonly trigger: "manual" | "schedule" | "upload";
  readonly dryRun: boolean;
  readonly username: string | null;
  /** The process that runs it (`run-runner.ts`). */
  readonly runner: string;
  readonly now: Date;
}

export async function insertRun(db: Kysely<Database>, run: NewRun): Promise<SyncRunRow> {
  const now = run.now.toISOString();
  const row: SyncRunRow = {
    id: run.id,
    directory_id: run.directoryId,
    organization_id: run.organizationId,
    mode: run.mode,
    trigger: run.trigger,
    dry_run: run.dryRun ? 1 : 0,
    username: run.username,
    state: "running",
    phase: "connecting",
    started_at: now,
    heartbeat_at: now,
    finished_at: null,
    counts: JSON.stringify(emptyUserCounts()),
    group_counts: JSON.stringify(emptyGroupCounts()),
    errors: "[]",
    failure_reason: null,
    failure_message: null,
    pending_removals: 0,
    pending_membership_removals: 0,
    changes: null,
    confirmed_at: null,
    upload: null,
    runner: run.runner,
  };
  await db.insertInto("sync_runs").values(row).execute();
  return row;
}

/** The tally's current figures as run columns; `listChanges` for a run that planned (a dry run, a held run). */
export function tallyColumns(tally: RunTally, listChanges: boolean) {
  return {
    counts: JSON.stringify(tally.users),
    group_counts: JSON.stringify(tally.groups),
    errors: JSON.stringify(tally.errors),
    pending_removals: tally.pendingRemovals,
    pending_membership_removals: tally.pendingMembershipRemovals,
    changes: listChanges ? JSON.stringify(tally.changes) : null,
  };
}

/** Progress of a running run, so `GET …/sync` (and the CLI's bar) can follow it. */
export async function saveProgress(
  db: Kysely<Database>,
  runId: string,
  phase: SyncPhase,
  tally: RunTally,
  dryRun: boolean,
  now: Date,
): Promise<void> {
  await db
    .updateTable("sync_runs")
    .set({ phase, heartbeat_at: now.toISOString(), ...tallyColumns(tally, dryRun) })
    .where("id", "=", runId)
    .where("state", "=", "running")
    .execute();
}
