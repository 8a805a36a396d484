/** What a sync run counts (SPEC §4): users by outcome, groups alongside. */
export interface UserCounts {
  created: number;
  updated: number;
  deactivated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export interface GroupCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  failed: number;
}

export interface RecordError {
  readonly ref: string;
  readonly message: string;
}

/** One change a run made, or would make on a dry run. */
export interface PlannedChange {
  readonly action: "create" | "update" | "deactivate" | "delete";
  readonly kind: "user" | "group";
  readonly ref: string;
  /** Changed fields of an update, when known. */
  readonly fields?: string[];
}

export const MAX_KEPT_ERRORS = 1000;
export const MAX_KEPT_CHANGES = 1000;

export function emptyUserCounts(): UserCounts {
  return { created: 0, updated: 0, deactivated: 0, deleted: 0, unchanged: 0, failed: 0 };
}

export function emptyGroupCounts(): GroupCounts {
  return { created: 0, updated: 0, deleted: 0, unchanged: 0, failed: 0 };
}

/**
 * The running totals of one run. Errors and planned changes are capped so a source where every
 * record is bad cannot grow the run record without bound; the counts stay exact.
 */
export class RunTally {
  readonly users = emptyUserCounts();
  readonly groups = emptyGroupCounts();
  readonly errors: RecordError[] = [];
  readonly changes: PlannedChange[] = [];
  pendingRemovals = 0;

  failUser(ref: string, message: string): void {
    this.users.failed++;
    this.#keepError(ref, message);
  }

  failGroup(ref: string, message: string): void {
    this.groups.failed++;
    this.#keepError(ref, message);
  }

  plan(change: PlannedChange): void {
    if (this.changes.length < MAX_KEPT_CHANGES) this.changes.push(change);
  }

  #keepError(ref: string, message: string): void {
    if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push({ ref, message });
  }
}

/**
 * A confirmed run's counts: the re-run's changes added to the first pass's. What the re-run found
 * unchanged the first pass already counted; failures are the re-run's own (the records were retried).
 */
export function mergeCounts<T extends UserCounts | GroupCounts>(first: T, rerun: T): T {
  const merged = { ...first };
  for (const key of Object.keys(rerun) as (keyof T)[]) {
    if (key === "failed") (merged[key] as number) = rerun[key] as number;
    else if (key !== "unchanged") (merged[key] as number) = (first[key] as number) + (rerun[key] as number);
  }
  return merged;
}
