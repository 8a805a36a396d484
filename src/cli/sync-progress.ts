import cliProgress from "cli-progress";
import type { SyncRun } from "../client/index.js";

/** A live view of a running sync on a terminal. */
export interface SyncProgress {
  update(run: SyncRun): void;
  stop(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const COUNTS =
  "{phase} | created {created} · updated {updated} · deactivated {deactivated}{deleted} · unchanged {unchanged} · failed {failed}";

/** Source users the run has read so far, as the server counts them (created, updated, unchanged or failed). */
export function usersRead(run: SyncRun): number {
  return run.progress.users_seen;
}

function payloadOf(run: SyncRun, tick: number) {
  const c = run.counts;
  return {
    phase: run.phase,
    created: c.created,
    updated: c.updated,
    deactivated: c.deactivated,
    deleted: c.deleted > 0 ? ` · deleted ${c.deleted}` : "",
    unchanged: c.unchanged,
    failed: c.failed,
    spinner: SPINNER[tick % SPINNER.length],
  };
}

/**
 * A progress bar for a run on `stream` (a TTY). Most sources cannot say how many users they hold,
 * so the bar measures users read against the directory's user count before the run, marked `~` as
 * the estimate it is (and raised if the source turns out bigger). With no estimate (a first sync)
 * it is a spinner with the running counts.
 */
export function createSyncProgress(stream: NodeJS.WritableStream, estimate: number): SyncProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format:
        estimate > 0
          ? `Syncing {bar} {value}/~{total} users | ${COUNTS}`
          : `Syncing {spinner} {value} users read | ${COUNTS}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = Math.max(estimate, 1);
  let tick = 0;
  let started = false;
  return {
    update(run) {
      const read = usersRead(run);
      if (!started) {
        bar.start(total, read, payloadOf(run, tick));
        started = true;
      }
      if (read > total) {
        total = read;
        bar.setTotal(total);
      }
      bar.update(read, payloadOf(run, ++tick));
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
