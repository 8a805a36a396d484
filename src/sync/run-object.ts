import type { SyncRunRow } from "../storage/schema.js";
import type { SyncPhase } from "./engine-context.js";
import { LEASE_TTL_MS } from "./sync-lease.js";
import type { GroupCounts, PlannedChange, RecordError, UserCounts } from "./run-tally.js";

export type RunState = "running" | "succeeded" | "failed" | "needs_confirmation";

/** A sync run as the API shows it (state, times, counts, errors). */
export interface SyncRunObject {
  readonly object: "directory_sync_run";
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly mode: "full" | "delta" | "user";
  readonly trigger: "manual" | "schedule" | "upload";
  readonly dry_run: boolean;
  readonly username: string | null;
  readonly state: RunState;
  readonly phase: SyncPhase;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly counts: UserCounts;
  readonly group_counts: GroupCounts;
  readonly progress: RunProgress;
  readonly errors: RecordError[];
  readonly failure: { reason: string; message: string } | null;
  readonly pending_removals: number;
  readonly pending_membership_removals: number;
  readonly changes: PlannedChange[] | null;
  readonly confirmed_at: string | null;
}

/**
 * What a run has done so far, from its counts (saved about every second while it runs), so a screen
 * polling `GET …/sync` shows numbers without knowing what each count means. A dry run writes nothing.
 */
export interface RunProgress {
  /** Source users read: each ends created, updated, unchanged or failed. */
  readonly users_seen: number;
  /** Users created, updated, deactivated or deleted. */
  readonly users_written: number;
  readonly groups_seen: number;
  readonly groups_written: number;
}

export function progressOf(users: UserCounts, groups: GroupCounts, dryRun: boolean): RunProgress {
  return {
    users_seen: users.created + users.updated + users.unchanged + users.failed,
    users_written: dryRun ? 0 : users.created + users.updated + users.deactivated + users.deleted,
    groups_seen: groups.created + groups.updated + groups.unchanged + groups.failed,
    groups_written: dryRun ? 0 : groups.created + groups.updated + groups.deleted,
  };
}

/** A run still marked running whose process stopped renewing it: shown (and later recorded) as failed. */
export function isAbandoned(row: SyncRunRow, now: Date): boolean {
  return row.state === "running" && Date.parse(row.heartbeat_at) + LEASE_TTL_MS < now.getTime();
}

export const ABANDONED = {
  reason: "interrupted",
  message: "The process running this sync stopped before it finished",
} as const;

export function toRunObject(row: SyncRunRow, now: Date): SyncRunObject {
  const abandoned = isAbandoned(row, now);
  const counts = JSON.parse(row.counts) as UserCounts;
  const groupCounts = JSON.parse(row.group_counts) as GroupCounts;
  return {
    object: "directory_sync_run",
    id: row.id,
    directory_id: row.directory_id,
    organization_id: row.organization_id,
    mode: row.mode as SyncRunObject["mode"],
    trigger: row.trigger as SyncRunObject["trigger"],
    dry_run: row.dry_run === 1,
    username: row.username,
    state: abandoned ? "failed" : (row.state as RunState),
    phase: row.phase as SyncPhase,
    started_at: row.started_at,
    finished_at: abandoned ? row.heartbeat_at : row.finished_at,
    counts,
    group_counts: groupCounts,
    progress: progressOf(counts, groupCounts, row.dry_run === 1),
    errors: JSON.parse(row.errors) as RecordError[],
    failure: abandoned
      ? { ...ABANDONED }
      : row.failure_reason
        ? { reason: row.failure_reason, message: row.failure_message ?? "" }
        : null,
    pending_removals: row.pending_removals,
    pending_membership_removals: row.pending_membership_removals,
    changes: row.changes === null ? null : (JSON.parse(row.changes) as PlannedChange[]),
    confirmed_at: row.confirmed_at,
  };
}
