import type { Command } from "@commander-js/extra-typings";
import closeWithGrace from "close-with-grace";
import { pino } from "pino";
import type { RosterConfig } from "../config.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { openStorage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";
import { defaultConnectorKinds } from "../connectors/registry.js";
import { startSyncScheduler } from "../sync/sync-scheduler.js";
import { createSyncService } from "../sync/sync-service.js";
import { syncThreadFor } from "../sync/sync-thread-launcher.js";
import { environmentHelp } from "./serve-environment.js";
import { startingUp } from "./startup-guard.js";
import { createDeliveryWorker, type DeliveryWorkerOptions, type WorkerLog } from "../webhooks/delivery-worker.js";

export interface RunningWorkerProcess {
  stop(): Promise<void>;
}

/**
 * The background work without an HTTP server, against the configured database: the webhook
 * delivery worker and the scheduler of pull syncs. Scale-out beside any number of `roster serve`
 * processes on one PostgreSQL (SPEC §7). Migrates first, as `serve` does.
 */
export async function startWorker(config: RosterConfig, log: WorkerLog, options: DeliveryWorkerOptions = {}): Promise<RunningWorkerProcess> {
  const storage = openStorage(config.database);
  await migrateToLatest(storage);
  const keyring = createSecretKeyring({ secretKey: config.secretKey, database: config.database, warn: (message) => log.warn({}, message) });
  const deps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator(), keyring, log, eventWrites: storage.eventWrites };
  const worker = createDeliveryWorker(deps, options).start();
  // Scheduled pull syncs run here too; the lease keeps each directory to one process.
  const sync = createSyncService({ ...deps, config, kinds: defaultConnectorKinds(), batchSize: config.sync.batchSize, thread: syncThreadFor(config, storage) });
  const scheduler = startSyncScheduler(sync, config.sync.schedulerIntervalMs, log);
  return {
    async stop() {
      scheduler.stop();
      await sync.close();
      await worker.stop();
      await storage.close();
    },
  };
}

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("Run the webhook delivery worker and scheduled pull syncs (no HTTP server); stops cleanly on SIGTERM")
    .addHelpText("after", environmentHelp())
    .action(() =>
      startingUp(async (config) => {
        const log = pino({ level: config.logLevel, base: { component: "webhooks" } });
        const worker = await startWorker(config, log);
        log.info({ database: config.database.kind }, "webhook worker running");
        // In-flight requests are aborted and put back in the queue, not counted as failures.
        closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
          if (err) log.error({ err }, "shutting down after an error");
          else log.info({ signal }, "webhook worker stopping");
          await worker.stop();
        });
      }),
    );
}
