// The worker process itself, loaded only when `roster worker` runs: it pulls in the storage, sync
// and delivery code that every other command does without.
import type { RosterConfig } from "../config.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { openStorage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";
import { defaultConnectorKinds } from "../connectors/registry.js";
import { startSyncScheduler } from "../sync/sync-scheduler.js";
import { createDirectoryStore } from "../directory/index.js";
import { createSyncService } from "../sync/sync-service.js";
import { syncThreadFor } from "../sync/sync-thread-launcher.js";
import { createDeliveryWorker, type DeliveryWorkerOptions, type WorkerLog } from "../webhooks/delivery-worker.js";

export interface RunningWorkerProcess {
  stop(): Promise<void>;
}

/**
 * The background work without an HTTP server, against the configured database: the webhook
 * delivery worker and the scheduler of pull syncs. Scale-out beside any number of `roster serve`
 * processes on one PostgreSQL. Migrates first, as `serve` does.
 */
export async function startWorker(
  config: RosterConfig,
  log: WorkerLog,
  options: DeliveryWorkerOptions = {},
): Promise<RunningWorkerProcess> {
  const storage = openStorage(config.database);
  await migrateToLatest(storage);
  const keyring = createSecretKeyring({
    secretKey: config.secretKey,
    previousSecretKeys: config.previousSecretKeys,
    database: config.database,
    warn: (message) => log.warn({}, message),
  });
  const deps = {
    db: storage.db,
    caps: storage.caps,
    clock: systemClock,
    ids: createIdGenerator(),
    keyring,
    log,
    eventWrites: storage.eventWrites,
    outboundPrivate: config.outboundPrivate,
  };
  const worker = createDeliveryWorker(deps, options).start();
  // Scheduled pull syncs run here too; the lease keeps each directory to one process.
  const sync = createSyncService({
    ...deps,
    store: createDirectoryStore(deps),
    config,
    kinds: defaultConnectorKinds(),
    batchSize: config.sync.batchSize,
    thread: syncThreadFor(config, storage),
  });
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
