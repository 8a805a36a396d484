import type { FastifyBaseLogger } from "fastify";
import type { Deps } from "../core/deps.js";
import { pruneAuditLog } from "../audit/audit-log.js";
import { prunePortal } from "../portal/portal-retention.js";
import { pruneSyncRuns } from "../sync/run-retention.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { pruneDeliveries } from "../webhooks/delivery-retention.js";

const INTERVAL_MS = 60 * 60 * 1000;
const FIRST_RUN_MS = 60 * 1000;

export interface HousekeepingResult {
  readonly directoriesPurged: number;
  readonly deliveriesPruned: number;
  readonly syncRunsPruned: number;
  /** Expired setup-portal sessions and setup links that can open nothing any more. */
  readonly portalPruned: number;
  /** Audit log entries older than `ROSTER_AUDIT_DAYS`. */
  readonly auditPruned: number;
}

/**
 * One pass: hard-deletes directories past their restore window (`ROSTER_RESTORE_DAYS`), and the
 * webhook deliveries and sync runs that finished more than `ROSTER_HISTORY_DAYS` ago (0 keeps them),
 * expired setup-portal sessions and links, and audit log entries older than `ROSTER_AUDIT_DAYS` (0 keeps them).
 * Every step is idempotent, so several processes on one database may run it.
 */
export async function houseKeep(deps: Deps): Promise<HousekeepingResult> {
  const directoriesPurged = await createDirectoryService(deps).purgeExpired();
  const portalPruned = await prunePortal(deps.db, deps.clock.now());
  const before = (days: number) => new Date(deps.clock.now().getTime() - days * 86_400_000);
  const auditPruned = deps.config.auditDays === 0 ? 0 : await pruneAuditLog(deps.db, before(deps.config.auditDays));
  const days = deps.config.historyDays;
  if (days === 0) return { directoriesPurged, deliveriesPruned: 0, syncRunsPruned: 0, portalPruned, auditPruned };
  const cutoff = before(days);
  return {
    directoriesPurged,
    deliveriesPruned: await pruneDeliveries(deps.db, cutoff),
    syncRunsPruned: await pruneSyncRuns(deps.db, cutoff),
    portalPruned,
    auditPruned,
  };
}

/** Runs `houseKeep` a minute after start (so restarts do not postpone it for ever), then hourly. */
export function startHousekeeping(deps: Deps, log: FastifyBaseLogger): { stop(): void } {
  let running = false;
  const pass = () => {
    if (running) return;
    running = true;
    houseKeep(deps)
      .then((done) => {
        if (done.directoriesPurged + done.deliveriesPruned + done.syncRunsPruned + done.portalPruned > 0)
          log.info(done, "housekeeping");
      })
      .catch((err: unknown) => log.error({ err }, "housekeeping failed"))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(pass, FIRST_RUN_MS);
  const every = setInterval(pass, INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
