import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database } from "../storage/schema.js";

/** Below this many rows written, the planner's guesses cannot go far wrong. */
const FIRST_REFRESH_AT = 1000;

/** What a run grows: its users (with their email rows), and its groups with their memberships. */
export type GrowingRows = "users" | "memberships";

const TABLES: Readonly<Record<GrowingRows, readonly (keyof Database & string)[]>> = {
  users: ["directory_users", "user_emails"],
  memberships: ["directory_groups", "group_memberships"],
};

/**
 * A sync can grow a directory from nothing to 100,000 users in a minute, much faster than
 * PostgreSQL's autovacuum re-analyzes the tables. Until it does, the planner (and every prepared
 * statement's cached generic plan) believes the tables are as small as they were and scans them:
 * measured, lookups by idp_id took 18 ms instead of well under one. So each time a run has written
 * as many rows again of users (or of memberships) as at their last refresh, it has those tables
 * re-analyzed (which also invalidates the cached plans), where the backend keeps such statistics.
 * Users and memberships are counted apart: a run writes its users first, so with one count the
 * memberships written after them rarely reached the next refresh, and their statistics stayed
 * those of an empty table.
 */
export function createStatisticsRefresher(
  db: Kysely<Database>,
  caps: StorageCapabilities,
): (rows: GrowingRows, written: number) => Promise<void> {
  const nextAt: Record<GrowingRows, number> = { users: FIRST_REFRESH_AT, memberships: FIRST_REFRESH_AT };
  return async (rows, written) => {
    if (written < nextAt[rows]) return;
    nextAt[rows] = written * 2;
    await caps.refreshStatistics(db, TABLES[rows]);
  };
}
