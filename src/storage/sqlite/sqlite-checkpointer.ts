import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const INTERVAL_MS = 200;

// Runs in a worker thread: its own connection, checkpointing the WAL into the database file.
const WORKER_SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma("busy_timeout = 5000");
let stopping = false;
function checkpoint() {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (err) { parentPort.postMessage(String(err && err.message)); }
  if (!stopping) timer = setTimeout(checkpoint, workerData.intervalMs);
}
let timer = setTimeout(checkpoint, workerData.intervalMs);
parentPort.on("message", () => { stopping = true; clearTimeout(timer); checkpoint(); db.close(); process.exit(0); });
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the serving thread. better-sqlite3 is synchronous, so an automatic
 * checkpoint (a copy plus fsync, 10–20 ms here) would stall every request behind the commit that
 * triggered it; a worker thread with its own connection does them instead, every 200 ms.
 */
export function startCheckpointer(file: string, onError: (message: string) => void = () => {}): Checkpointer {
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver, intervalMs: INTERVAL_MS } });
  worker.on("message", onError);
  worker.unref();
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      // Unreferenced while it runs; waited for now: nothing else may keep the process alive meanwhile.
      worker.ref();
      worker.postMessage("stop");
      await exited;
    },
  };
}
