/**
 * A sync run's own thread (started by `sync-thread-launcher.ts`): its own event loop, heap and
 * database connection, so neither the run's writes nor its garbage collection hold the serving
 * thread's event loop. The run was begun by the serving thread (lease taken, row written); this
 * thread runs it to its end, records how it ended and reports the outcome.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ConnectorKinds } from "../connectors/connector-kind.js";
import { defaultConnectorKinds } from "../connectors/registry.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createDirectoryStore } from "../directory/index.js";
import { openStorage } from "../storage/connect.js";
import { executeRun, type SyncLog } from "./run-execution.js";
import { readSyncSettings } from "./sync-settings.js";
import {
  cloneableLogFields,
  type FromSyncThread,
  type SyncThreadData,
  type ToSyncThread,
} from "./sync-thread-messages.js";

const port = parentPort;
if (!port) throw new Error("sync-thread.ts runs as a worker thread");
const data = workerData as SyncThreadData;
const send = (message: FromSyncThread) => port.postMessage(message);

const abort = new AbortController();
port.on("message", (message: ToSyncThread) => {
  if (message.type === "abort") abort.abort();
});

const log: SyncLog = {
  info: (obj, msg) => send({ type: "log", level: "info", fields: cloneableLogFields(obj), msg }),
  error: (obj, msg) => send({ type: "log", level: "error", fields: cloneableLogFields(obj), msg }),
};

const storage = openStorage(data.database, { background: data.sharing });
try {
  storage.eventWrites.subscribe(() => send({ type: "events" }));
  const dir = { row: data.dir.row, config: data.dir.config, settings: readSyncSettings(data.dir.config).settings };
  const kinds = data.kindsModule
    ? ((await import(data.kindsModule)) as { connectorKinds(): ConnectorKinds }).connectorKinds()
    : defaultConnectorKinds();
  const storeDeps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator() };
  // The thread's one store: the run's writes share its cache of the directory's mapping.
  const deps = {
    ...storeDeps,
    store: createDirectoryStore(storeDeps),
    kinds,
    log,
    batchSize: data.batchSize,
    outboundPrivate: data.outboundPrivate,
  };
  const outcome = await executeRun(deps, dir, data.run, data.options, abort);
  send({ type: "done", outcome });
} finally {
  await storage.close();
  port.close();
}
