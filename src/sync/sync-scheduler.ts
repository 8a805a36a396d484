import type { SyncLog, SyncService } from "./sync-service.js";

export interface SyncScheduler {
  stop(): void;
}

/**
 * Starts scheduled syncs when due, in every `serve` and `worker` process: the run lease makes
 * sure only one of them runs a given directory.
 */
export function startSyncScheduler(sync: SyncService, intervalMs: number, log: SyncLog): SyncScheduler {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sync
      .startDue()
      .catch((err: unknown) => log.error({ err }, "looking for due syncs failed"))
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
