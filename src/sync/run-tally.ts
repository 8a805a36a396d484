/** What a sync run counts: users by outcome, groups alongside. */
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
  /** Group memberships the run ended (or, planning, would end): members groups lost, members of deleted groups. */
  membershipRemovals = 0;
  /** Set when the mass-removal guard holds the run: the users and the memberships it would remove. */
  pendingRemovals = 0;
  pendingMembershipRemovals = 0;

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

  /** Takes over what a planning pass counted, when its plan is what the run reports (a held run). */
  adopt(plan: RunTally): void {
    Object.assign(this.users, plan.users);
    Object.assign(this.groups, plan.groups);
    this.errors.splice(0, this.errors.length, ...plan.errors);
    this.changes.splice(0, this.changes.length, ...plan.changes);
    this.membershipRemovals = plan.membershipRemovals;
  }

  #keepError(ref: string, message: string): void {
    if (this.errors.length < MAX_KEPT_ERRORS) this.errors.push({ ref, message });
  }
}
