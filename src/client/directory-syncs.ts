import { type RequestOptions, segment, type Transport } from "./http.js";
import { iterate } from "./pagination.js";
import type { SyncRun } from "./sync-run-types.js";
import { type WaitForRunOptions, waitForRun } from "./sync-run-wait.js";
import type { List, PageParams } from "./types.js";

export interface StartSyncOptions {
  /** Compute the changes (listed in `changes`) without writing any. */
  readonly dryRun?: boolean | undefined;
  /** `full` (default) reads the whole source; `delta` only what changed since the last run, where the source allows it. */
  readonly mode?: "full" | "delta" | undefined;
}

export interface DryRunOption {
  /** Compute the changes without writing any. */
  readonly dryRun?: boolean | undefined;
}

/**
 * Sync runs of pull directories (`/directories/{id}/sync…`). Methods are plain
 * functions: pass them around unbound. One run at a time per directory: starting another while
 * one runs answers 409 `sync_in_progress`.
 */
export interface DirectorySyncsApi {
  /** Starts a run in the background; the answer is the run, state `running`. Follow it with `waitForRun`. */
  start(directoryId: string, options?: StartSyncOptions): Promise<SyncRun>;
  /** The directory's current run, or its last one; 404 `no_sync_yet` before the first. */
  current(directoryId: string, options?: RequestOptions): Promise<SyncRun>;
  /** One run by id. */
  get(directoryId: string, runId: string, options?: RequestOptions): Promise<SyncRun>;
  /** One page of the directory's runs, newest first. */
  list(directoryId: string, params?: PageParams): Promise<List<SyncRun>>;
  /** Every run of the directory, page after page; breaking out of the loop stops the requests. */
  iterate(directoryId: string, params?: PageParams): AsyncGenerator<SyncRun, void, undefined>;
  /**
   * Releases a run held in `needs_confirmation` by the mass-removal guard: it runs again with
   * removals allowed (state `running`; follow it with `waitForRun`). 409 when it is not held, was
   * a dry run, or a newer run superseded it.
   */
  confirm(directoryId: string, runId: string): Promise<SyncRun>;
  /**
   * Drops a run held in `needs_confirmation`: it ends `failed` with `failure.reason` `discarded` and
   * nothing it held is applied. 409 `not_awaiting_confirmation` when it is not held.
   */
  discard(directoryId: string, runId: string): Promise<SyncRun>;
  /** Syncs one user by its username in the source and answers when done; 404 `user_not_found` when the source has no such user. */
  syncUser(directoryId: string, username: string, options?: DryRunOption): Promise<SyncRun>;
  /**
   * Uploads CSV rows (header `username,email,first_name,last_name,state,groups` by default) and
   * starts a run over them; the answer is the run, state `running`.
   */
  uploadCsv(directoryId: string, csv: string, options?: DryRunOption): Promise<SyncRun>;
  /**
   * Polls a run until it is no longer `running`, calling `onProgress` with each poll, and returns
   * it. `signal` stops the waiting (not the run).
   *
   * @example
   * const run = await roster.directorySyncs.start(directoryId);
   * const done = await roster.directorySyncs.waitForRun(directoryId, run.id, { onProgress: (r) => console.log(r.phase, r.counts) });
   * if (done.state === "needs_confirmation") await roster.directorySyncs.confirm(directoryId, done.id);
   */
  waitForRun(directoryId: string, runId: string, options?: WaitForRunOptions): Promise<SyncRun>;
}

/** Binds the sync run methods to a transport. */
export function createDirectorySyncsApi(http: Transport): DirectorySyncsApi {
  const directory = (id: string) => `/directories/${segment(id)}`;
  const run = (id: string, runId: string) => `${directory(id)}/syncs/${segment(runId)}`;
  const get = (directoryId: string, runId: string, options: RequestOptions = {}) =>
    http.json<SyncRun>({ method: "GET", path: run(directoryId, runId), signal: options.signal });
  const list = (directoryId: string, params: PageParams = {}) =>
    http.json<List<SyncRun>>({ method: "GET", path: `${directory(directoryId)}/syncs`, query: { ...params } });
  return Object.freeze({
    start: (directoryId: string, options: StartSyncOptions = {}) =>
      http.json<SyncRun>({
        method: "POST",
        path: `${directory(directoryId)}/sync`,
        body: { dry_run: options.dryRun, mode: options.mode },
      }),
    current: (directoryId: string, options: RequestOptions = {}) =>
      http.json<SyncRun>({ method: "GET", path: `${directory(directoryId)}/sync`, signal: options.signal }),
    get,
    list,
    iterate: (directoryId: string, params: PageParams = {}) => iterate((p: PageParams) => list(directoryId, p), params),
    confirm: (directoryId: string, runId: string) =>
      http.json<SyncRun>({ method: "POST", path: `${run(directoryId, runId)}/confirm` }),
    discard: (directoryId: string, runId: string) =>
      http.json<SyncRun>({ method: "POST", path: `${run(directoryId, runId)}/discard` }),
    syncUser: (directoryId: string, username: string, options: DryRunOption = {}) =>
      http.json<SyncRun>({
        method: "POST",
        path: `${directory(directoryId)}/sync/users/${segment(username)}`,
        query: { dry_run: options.dryRun },
      }),
    uploadCsv: (directoryId: string, csv: string, options: DryRunOption = {}) =>
      http.json<SyncRun>({
        method: "POST",
        path: `${directory(directoryId)}/csv`,
        query: { dry_run: options.dryRun },
        text: { contentType: "text/csv", content: csv },
      }),
    waitForRun: (directoryId: string, runId: string, options: WaitForRunOptions = {}) =>
      waitForRun((request) => get(directoryId, runId, request), options),
  });
}
