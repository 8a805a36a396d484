import type { DirectoryContext, DirectoryStore, StoreDeps } from "../directory/index.js";
import type { GrowingRows } from "./planner-statistics.js";
import type { RunTally } from "./run-tally.js";
import type { SyncSettings } from "./sync-settings.js";

export type SyncPhase = "connecting" | "users" | "groups" | "removals" | "done";

/** What every step of one run shares. */
export interface EngineContext {
  readonly deps: StoreDeps;
  /** Every write of the run goes through it. */
  readonly store: DirectoryStore;
  readonly dir: DirectoryContext;
  readonly settings: SyncSettings;
  readonly dryRun: boolean;
  readonly signal: AbortSignal;
  readonly tally: RunTally;
  /** Records written per transaction: small, so a batch never holds the database for long. */
  readonly batchSize: number;
  /** Called between batches: persists progress, renews the lease, and lets the server answer requests. */
  checkpoint(phase: SyncPhase): Promise<void>;
  /** Told how many users (or memberships) the run has written so far: keeps the database's planner statistics current. */
  grown(rows: GrowingRows, written: number): Promise<void>;
}

/**
 * Writes of one record at a time cost several statements each (an update, a deactivation, a
 * create retried alone): this many per transaction keeps each as short as a batch of multi-row
 * creates, so requests waiting behind it (on SQLite, the whole process) wait little.
 */
export const ONE_BY_ONE_PER_TRANSACTION = 20;

/** A message for a per-record error, from whatever a write threw. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
