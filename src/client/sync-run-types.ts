// A pull directory's sync run, as `GET /directories/{id}/sync` and friends serve it.

/**
 * `running` until it ends; `needs_confirmation` when the mass-removal guard held it (nothing was
 * changed; confirm it to apply the whole change). A run whose process died is `failed` (reason `interrupted`).
 */
export type SyncRunState = "running" | "succeeded" | "failed" | "needs_confirmation";

/** `full` reads the whole source, `delta` only what changed since the last run, `user` one user. */
export type SyncRunMode = "full" | "delta" | "user";

/** What started the run; `upload` is a CSV sent with `directorySyncs.uploadCsv`. */
export type SyncRunTrigger = "manual" | "schedule" | "upload" | "confirm";

/** Where a running run is: `connecting`, `users`, `groups`, `removals`, then `done`. */
export type SyncRunPhase = "connecting" | "users" | "groups" | "removals" | "done";

/** Users by outcome. A dry run counts what it would do. */
export interface SyncRunUserCounts {
  readonly created: number;
  readonly updated: number;
  readonly deactivated: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Records the source sent but Roster could not take (see `errors`). */
  readonly failed: number;
}

export interface SyncRunGroupCounts {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  readonly failed: number;
}

/** One record that failed alone; the others were still written. */
export interface SyncRunRecordError {
  /** The source's name for the record: a username, a DN, `line 12` of a CSV. */
  readonly ref: string;
  readonly message: string;
}

/** One change a dry run found a real run would make. */
export interface SyncRunChange {
  readonly action: "create" | "update" | "deactivate" | "delete";
  readonly kind: "user" | "group";
  readonly ref: string;
  /** The changed fields of an update, when known. */
  readonly fields?: string[];
}

/** A run's progress: records read from the source and records written (0 on a dry run). */
export interface SyncRunProgress {
  /** Source users read so far (created, updated, unchanged or failed). */
  readonly users_seen: number;
  /** Users created, updated, deactivated or deleted so far. */
  readonly users_written: number;
  readonly groups_seen: number;
  readonly groups_written: number;
}

export interface SyncRun {
  readonly object: "directory_sync_run";
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly mode: SyncRunMode;
  readonly trigger: SyncRunTrigger;
  /** A dry run computes the changes without writing any. */
  readonly dry_run: boolean;
  /** The user of a one-user run. */
  readonly username: string | null;
  readonly state: SyncRunState;
  readonly phase: SyncRunPhase;
  readonly started_at: string;
  readonly finished_at: string | null;
  /** Saved as the run goes (about every second), final once it ends. */
  readonly counts: SyncRunUserCounts;
  readonly group_counts: SyncRunGroupCounts;
  /** What the run has done so far, from its counts: poll `current`/`get` (or `waitForRun`) to show it. */
  readonly progress: SyncRunProgress;
  /** Per-record errors, the first 1,000. */
  readonly errors: SyncRunRecordError[];
  /** Why a `failed` run failed, e.g. `{ reason: "invalid_credentials", message }`. */
  readonly failure: { readonly reason: string; readonly message: string } | null;
  /** Users a run held in `needs_confirmation` would remove once confirmed. */
  readonly pending_removals: number;
  /** Group memberships a run held in `needs_confirmation` would end once confirmed. */
  readonly pending_membership_removals: number;
  /** Dry runs and held runs: the changes a real (or confirmed) run would make (the first 1,000); null otherwise. */
  readonly changes: SyncRunChange[] | null;
  readonly confirmed_at: string | null;
}
