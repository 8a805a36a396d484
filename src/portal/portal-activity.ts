import type { Kysely } from "kysely";
import { AppError, Errors } from "../core/errors.js";
import type { ScimRequestLog } from "../scim/request-log/request-log.js";
import type { Database } from "../storage/schema.js";
import type { SyncRunObject } from "../sync/run-object.js";
import type { SyncService } from "../sync/sync-service.js";
import type { DirectoryService } from "../tenancy/directories.js";
import type { DirectoryObject } from "../tenancy/directory-object.js";
import { isIngestType } from "../directory/directory-types.js";
import { countsLine } from "./pages/activity-panel.js";
import { stateWords } from "./pages/portal-frame.js";
import { type ExplainedRequest, explainRequest } from "./request-explain.js";

/** How many of the newest requests, and of the first users and groups, the portal shows. */
const RECENT_REQUESTS = 15;
const FIRST_MEMBERS = 10;

/** What the portal shows of one directory, and what its page polls for. */
export interface DirectoryActivity {
  readonly directory: DirectoryObject;
  readonly ingest: boolean;
  readonly requests: readonly ExplainedRequest[];
  readonly lastRequest: ExplainedRequest | null;
  readonly lastError: ExplainedRequest | null;
  readonly users: ReadonlyArray<{ readonly username: string; readonly email: string | null; readonly state: string }>;
  readonly groups: ReadonlyArray<{ readonly name: string }>;
  readonly run: SyncRunObject | null;
}

export interface ActivityDeps {
  readonly db: Kysely<Database>;
  readonly directories: DirectoryService;
  readonly requestLog: ScimRequestLog;
  readonly sync: SyncService;
}

/** A live directory of `organizationId`, or 404 (another organization's and deleted ones alike). */
export async function portalDirectory(
  directories: DirectoryService,
  organizationId: string,
  id: string,
): Promise<DirectoryObject> {
  const directory = await directories.get(id, organizationId);
  if (directory.deleted_at !== null) throw Errors.notFound("Directory", id);
  return directory;
}

async function latestRun(sync: SyncService, directory: DirectoryObject): Promise<SyncRunObject | null> {
  try {
    return await sync.current(directory.id, directory.organization_id);
  } catch (error) {
    if (error instanceof AppError && error.code === "no_sync_yet") return null;
    throw error;
  }
}

export async function directoryActivity(
  deps: ActivityDeps,
  organizationId: string,
  id: string,
): Promise<DirectoryActivity> {
  const directory = await portalDirectory(deps.directories, organizationId, id);
  const ingest = isIngestType(directory.type);
  const newest = { limit: RECENT_REQUESTS, before: undefined, after: undefined, order: "desc" as const };
  const [requests, errors, users, groups, run] = await Promise.all([
    ingest ? deps.requestLog.list(id, {}, newest) : null,
    ingest ? deps.requestLog.list(id, { errorsOnly: true }, { ...newest, limit: 1 }) : null,
    deps.db
      .selectFrom("directory_users")
      .select(["username", "email", "state"])
      .where("directory_id", "=", id)
      .orderBy("id")
      .limit(FIRST_MEMBERS)
      .execute(),
    deps.db
      .selectFrom("directory_groups")
      .select("name")
      .where("directory_id", "=", id)
      .orderBy("id")
      .limit(FIRST_MEMBERS)
      .execute(),
    ingest ? null : latestRun(deps.sync, directory),
  ]);
  const explained = (requests?.data ?? []).map(explainRequest);
  const lastError = errors?.data[0];
  return {
    directory,
    ingest,
    requests: explained,
    lastRequest: explained[0] ?? null,
    lastError: lastError ? explainRequest(lastError) : null,
    users,
    groups,
    run,
  };
}

/** The JSON the directory page polls: what changes while the IT admin watches. */
export function activityJson(activity: DirectoryActivity) {
  const { directory, run } = activity;
  return {
    state: directory.state,
    state_label: stateWords(directory.state),
    counts: {
      active_users: directory.metadata.users.active,
      inactive_users: directory.metadata.users.inactive,
      groups: directory.metadata.groups,
    },
    counts_line: countsLine(
      directory.metadata.users.active,
      directory.metadata.users.inactive,
      directory.metadata.groups,
    ),
    requests: activity.requests,
    last_request: activity.lastRequest,
    last_error: activity.lastError,
    users: activity.users,
    groups: activity.groups,
    run: run
      ? {
          id: run.id,
          state: run.state,
          phase: run.phase,
          pending_removals: run.pending_removals,
          pending_membership_removals: run.pending_membership_removals,
          failure: run.failure,
        }
      : null,
  };
}
