import type { SyncLog, SyncService } from "./sync-service.js";

export interface SyncScheduler {
  stop(): void;
}

/**
 * Starts scheduled syncs when due, in every `serve` and `worker` process: the run lease makes
 * sure only one of them runs a given directory. Each pass first records as failed the runs whose
 * process died (also once at start, so a restarted process clears at once what it left running).
 */
export function startSyncScheduler(sync: SyncService, intervalMs: number, log: SyncLog): SyncScheduler {
  let busy = false;
  const pass = (startDue: boolean) => {
    if (busy) return;
    busy = true;
    sync
      .reclaimAbandoned()
      .then(async (reclaimed) => {
        if (reclaimed > 0) log.info({ reclaimed }, "recorded sync runs whose process stopped as failed");
        if (startDue) await sync.startDue();
      })
      .catch((err: unknown) => log.error({ err }, "looking for due syncs failed"))
      .finally(() => {
        busy = false;
      });
  };
  pass(false);
  const timer = setInterval(() => pass(true), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
