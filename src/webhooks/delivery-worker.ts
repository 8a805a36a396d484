import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { EventWrites } from "../storage/event-writes.js";
import type { Database } from "../storage/schema.js";
import { type ClaimedRun, claimDueRuns, releaseRuns } from "./delivery-claim.js";
import { recordRun } from "./delivery-outcome.js";
import { DISPATCH_BATCH, dispatchEvents, eventsHeldBack } from "./dispatcher.js";
import { startRunSender } from "./http-send.js";
import { createRunAttempts } from "./run-attempts.js";
import { createWaker } from "./worker-waker.js";

/** The few logger methods the worker uses; pino and Fastify's logger both fit. */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DeliveryWorkerDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly keyring: SecretKeyring;
  readonly log: WorkerLog;
  /** This process's commits that wrote events: the running worker wakes on them instead of its next poll. */
  readonly eventWrites?: EventWrites;
}

export interface DeliveryWorkerOptions {
  /** How often an idle worker looks for new events and due retries (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** Passes start at least this far apart, however often the worker is woken (default 10 ms). */
  readonly minPassGapMs?: number;
  /** Runs in flight at once, each to a different endpoint (default 8). */
  readonly concurrency?: number;
  /** Deliveries one claim takes from an endpoint's queue, sent one after another (default 500). */
  readonly runSize?: number;
  /** Per-request timeout (default 10 s, SPEC §5). */
  readonly timeoutMs?: number;
  /** How long a claim lasts before another worker may take its deliveries over (default 60 s). */
  readonly leaseMs?: number;
  readonly random?: () => number;
}

export interface RunningWorker {
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /** Aborts requests in flight (they are retried, not counted as failures) and waits for the loop to end. */
  stop(): Promise<void>;
}

const MAX_DISPATCH_BATCHES_PER_PASS = 20;
/** How soon to look again when committed events are held back by an older running transaction (then doubling). */
const HELD_BACK_RETRY_MS = 20;

/**
 * The only part of Roster that talks to receivers: turns events into deliveries, claims runs
 * of due ones (one endpoint's next deliveries in feed order), signs and POSTs them one after
 * another, and records every attempt. Any number of workers can run against one PostgreSQL
 * (claims are exclusive); all state is in the database.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps, options: DeliveryWorkerOptions = {}) {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const minPassGapMs = options.minPassGapMs ?? 10;
  const concurrency = options.concurrency ?? 8;
  const runSize = options.runSize ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const outcomeDeps = { db: deps.db, clock: deps.clock, ids: deps.ids, random: options.random ?? Math.random };
  const sender = startRunSender();
  const attemptRun = createRunAttempts({ clock: deps.clock, keyring: deps.keyring, sender, timeoutMs });

  /** Fans out new events; returns how many were read. */
  async function dispatchAll(): Promise<number> {
    let read = 0;
    for (let i = 0; i < MAX_DISPATCH_BATCHES_PER_PASS; i++) {
      const batch = await dispatchEvents(deps);
      read += batch;
      if (batch < DISPATCH_BATCH) break;
    }
    return read;
  }

  /** Sends a run and records it; returns the attempts made. */
  async function deliverRun(run: ClaimedRun, signal: AbortSignal): Promise<number> {
    const attempts = await attemptRun(run, signal);
    for (const { claim, result } of attempts) {
      if (result.kind === "failed") deps.log.warn({ delivery: claim.delivery.id, endpoint: run.endpointId, error: result.error }, "webhook delivery attempt failed");
    }
    await recordRun(outcomeDeps, run, attempts, run.deliveries.slice(attempts.length));
    return attempts.length;
  }

  /** One pass: the runs it started, and whether committed events wait for an older transaction. */
  async function pass(slots: number, signal: AbortSignal): Promise<{ sends: Promise<number>[]; heldBack: boolean }> {
    const heldBack = (await dispatchAll()) === 0 && (await eventsHeldBack(deps));
    const runs = await claimDueRuns(deps, { runs: slots, runSize, leaseMs });
    if (signal.aborted) {
      await releaseRuns(deps.db, runs);
      return { sends: [], heldBack };
    }
    const sends = runs.map((run) =>
      deliverRun(run, signal).catch((err: unknown) => {
        deps.log.error({ err, endpoint: run.endpointId }, "recording webhook attempts failed");
        return 0;
      }),
    );
    return { sends, heldBack };
  }

  return {
    /** One pass, waiting for its runs: how many attempts were made. Tests drive the worker with it. */
    async runOnce(signal: AbortSignal = new AbortController().signal): Promise<number> {
      const counts = await Promise.all((await pass(concurrency, signal)).sends);
      return counts.reduce((sum, n) => sum + n, 0);
    },

    /**
     * Runs until stopped, woken by commits that wrote events, by a finished run (its endpoint's
     * queue may hold more), and otherwise by the poll (due retries, other processes' events).
     */
    start(): RunningWorker {
      const controller = new AbortController();
      const waker = createWaker(controller.signal, minPassGapMs);
      // Other processes' commits too, where the database can say (a `roster worker` beside `serve`).
      const unsubscribe = deps.eventWrites?.subscribe(waker.wake, "database");
      const inFlight = new Set<Promise<unknown>>();
      const loop = (async () => {
        let heldBackNap = 0;
        while (!controller.signal.aborted) {
          try {
            const started = await pass(concurrency - inFlight.size, controller.signal);
            // Held back: look again soon, then less and less often while it lasts (a long transaction).
            heldBackNap = started.heldBack ? Math.min(heldBackNap === 0 ? HELD_BACK_RETRY_MS : heldBackNap * 2, pollIntervalMs) : 0;
            for (const send of started.sends) {
              const tracked: Promise<unknown> = send.finally(() => {
                inFlight.delete(tracked);
                waker.wake();
              });
              inFlight.add(tracked);
            }
          } catch (err) {
            deps.log.error({ err }, "webhook worker pass failed");
          }
          await waker.nap(heldBackNap || pollIntervalMs);
        }
        await Promise.allSettled([...inFlight]);
      })();
      return {
        wake: waker.wake,
        async stop() {
          unsubscribe?.();
          controller.abort();
          await loop;
          await sender.close();
        },
      };
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
