import { Worker } from "node:worker_threads";
import type { RosterConfig } from "../config.js";
import type { Storage, StorageSharing } from "../storage/connect.js";
import type { EventWrites } from "../storage/event-writes.js";
import { databasePlacement } from "../storage/placement.js";
import type { RunOutcome } from "./run-finish.js";
import type { SyncLog } from "./run-execution.js";
import type { FromSyncThread, SyncThreadData, ToSyncThread } from "./sync-thread-messages.js";

/** Where runs go when they run on threads of their own: the database they open there, shared with this process's. */
export interface SyncThreadOptions {
  readonly database: RosterConfig["database"];
  readonly sharing: StorageSharing;
  /** This process's event commits: a thread's commits are announced here too (the delivery worker wakes). */
  readonly eventWrites?: EventWrites | undefined;
  /**
   * The URL of a module whose `connectorKinds()` gives the kinds a thread syncs with, when the app
   * was given kinds other than the default ones (the benchmark's generated source). A thread
   * cannot be handed the parent's kind objects, only told where to load them.
   */
  readonly kindsModule?: string | undefined;
  /** The thread's heap limit (`ROSTER_SYNC_THREAD_HEAP_MB`); a run that needs more fails. */
  readonly heapMb: number;
}

/** Where this process's sync runs get threads of their own: an in-memory SQLite database cannot be shared with one. */
export function syncThreadFor(config: RosterConfig, storage: Storage): SyncThreadOptions | undefined {
  if (!config.sync.thread) return undefined;
  if (databasePlacement(config.database).on === "memory") return undefined;
  return {
    database: config.database,
    sharing: storage.sharing,
    eventWrites: storage.eventWrites,
    heapMb: config.sync.threadHeapMb,
  };
}

export interface SyncThreadHooks {
  /** Aborting stops the run (recorded as cancelled). */
  readonly signal: AbortSignal;
  readonly log: SyncLog;
  /** A commit on the thread wrote events. */
  readonly onEvents: () => void;
}

/**
 * The thread's entry beside this module: compiled JavaScript in a build; from TypeScript sources
 * (tests, `tsx`), a bootstrap that registers tsx's loader first, as a worker does not inherit it.
 */
function threadEntry(): { url: URL; tsEntry?: string } {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return { url: new URL("./sync-thread.js", here) };
  return { url: new URL("./sync-thread-tsx.mjs", here), tsEntry: new URL("./sync-thread.ts", here).href };
}

/** Runs a begun sync run on a thread of its own; resolves with its outcome once the thread has recorded it. */
export function runOnThread(data: SyncThreadData, heapMb: number, hooks: SyncThreadHooks): Promise<RunOutcome> {
  const entry = threadEntry();
  // A bounded heap also makes V8 grow it in small steps (on a machine with much memory it lets an
  // unbounded one grow fourfold between collections): 100,000 LDAP users took 97 MB, not 143.
  const worker = new Worker(entry.url, {
    workerData: { ...data, tsEntry: entry.tsEntry },
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  const abort = () => worker.postMessage({ type: "abort" } satisfies ToSyncThread);
  hooks.signal.addEventListener("abort", abort, { once: true });
  return new Promise<RunOutcome>((resolve, reject) => {
    let outcome: RunOutcome | undefined;
    let failure: unknown;
    worker.on("message", (message: FromSyncThread) => {
      if (message.type === "done") outcome = message.outcome;
      else if (message.type === "events") hooks.onEvents();
      else hooks.log[message.level](message.fields, message.msg);
    });
    worker.on("error", (error) => (failure = error));
    worker.on("exit", (code) => {
      hooks.signal.removeEventListener("abort", abort);
      if (outcome) resolve(outcome);
      else reject(failure ?? new Error(`the sync thread exited (code ${code}) before the run ended`));
    });
  });
}
