import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database } from "../storage/schema.js";

/** Below this many rows written, the planner's guesses cannot go far wrong. */
const FIRST_REFRESH_AT = 1000;

/**
 * A sync can grow a directory from nothing to 100,000 users in a minute, much faster than
 * PostgreSQL's autovacuum re-analyzes the tables. Until it does, the planner (and every prepared
 * statement's cached generic plan) believes the tables are as small as they were and scans them:
 * measured, lookups by idp_id took 18 ms instead of well under one. So each time a run has written
 * as many rows again as at the last refresh, it has the tables it fills re-analyzed (which also
 * invalidates the cached plans), where the backend keeps such statistics.
 */
export function createStatisticsRefresher(db: Kysely<Database>, caps: StorageCapabilities): (written: number) => Promise<void> {
  let nextAt = FIRST_REFRESH_AT;
  return async (written) => {
    if (written < nextAt) return;
    nextAt = written * 2;
    await caps.refreshStatistics(db, ["directory_users", "user_emails", "directory_groups", "group_memberships"]);
  };
}
