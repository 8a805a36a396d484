import { RosterApiError, type RosterClient, type SyncRun } from "../client/index.js";
import { printJson } from "./output.js";
import type { SyncProgress } from "./sync-progress.js";
import { confirmationHint, EXIT, exitCodeOf, failedRecords, heldRemovals, modeOf, printRun } from "./sync-report.js";

/** How often a followed run is polled: often enough for a live bar, cheap for the server. */
const POLL_MS = 250;

export interface FollowOptions {
  readonly json?: boolean | undefined;
  /** From {@link estimateFor}: draw a bar against this many users. */
  readonly estimate?: number | undefined;
  /** Confirm a run the mass-removal guard holds, and follow it to its end. */
  readonly yes?: boolean | undefined;
  /** Exit 0, not 3, when the run succeeded but some records failed. */
  readonly allowPartial?: boolean | undefined;
  /** The CSV file an upload came from, for the hints. */
  readonly file?: string | undefined;
}

const note = (line: string) => process.stderr.write(`${line}\n`);

/** A bar only for a person at a terminal: never under --json, never into a pipe or a file. */
function wantsBar(options: FollowOptions): boolean {
  return !options.json && process.stdout.isTTY === true && process.stderr.isTTY === true;
}

/**
 * The directory's users, read before the run starts (a running run already adds its own): the
 * bar's estimate of how many the source holds. Undefined when there will be no bar.
 */
export async function estimateFor(
  client: RosterClient,
  directoryId: string,
  options: FollowOptions,
): Promise<number | undefined> {
  if (!wantsBar(options)) return undefined;
  try {
    const { users } = (await client.directories.get(directoryId)).metadata;
    return users.active + users.inactive;
  } catch {
    return 0;
  }
}

/** Polls the run to its end, drawing the bar on a terminal; null when Ctrl-C stopped the waiting. */
async function waitShowing(client: RosterClient, run: SyncRun, options: FollowOptions): Promise<SyncRun | null> {
  let progress: SyncProgress | undefined;
  // The bar's code (cli-progress) loads only when there is a bar to draw.
  if (options.estimate !== undefined)
    progress = (await import("./sync-progress.js")).createSyncProgress(process.stderr, options.estimate);
  else if (!options.json) note(`Waiting for sync run ${run.id} (${modeOf(run)}) to finish…`);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    return await client.directorySyncs.waitForRun(run.directory_id, run.id, {
      intervalMs: POLL_MS,
      signal: stop.signal,
      onProgress: (r) => progress?.update(r),
      onError: (error, retryInMs) => note(`roster: ${error.message}; retrying in ${Math.ceil(retryInMs / 1000)} s`),
    });
  } catch (error) {
    if (error instanceof RosterApiError && error.code === "aborted") return null;
    throw error;
  } finally {
    progress?.stop();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** Prints how a run ended (JSON or the table, a hint for a held run) and sets the exit status. */
export function reportRun(run: SyncRun, options: FollowOptions): void {
  if (options.json) printJson(run);
  else printRun(run);
  if (run.state === "needs_confirmation") for (const line of confirmationHint(run, options.file)) note(line);
  process.exitCode = exitCodeOf(run, options);
  if (process.exitCode === EXIT.partial) {
    const failed = failedRecords(run);
    note(
      `${failed} record${failed === 1 ? "" : "s"} failed: exit status ${EXIT.partial} (--allow-partial to exit 0 when the run succeeds)`,
    );
  }
}

/**
 * Follows a started run to its end and reports it. With `yes`, a run the mass-removal guard holds
 * is confirmed and followed again. Ctrl-C stops the waiting only: the run goes on on the server.
 */
export async function followRun(client: RosterClient, started: SyncRun, options: FollowOptions): Promise<void> {
  let run = await waitShowing(client, started, options);
  if (run?.state === "needs_confirmation" && options.yes && !run.dry_run) {
    note(`Run ${run.id} would remove ${heldRemovals(run)}: confirming (--yes).`);
    run = await waitShowing(client, await client.directorySyncs.confirm(run.directory_id, run.id), options);
  }
  if (run === null) {
    note(
      `Stopped waiting; sync run ${started.id} goes on on the server. See it with: roster sync status ${started.directory_id}`,
    );
    process.exitCode = EXIT.interrupted;
    return;
  }
  reportRun(run, options);
}
