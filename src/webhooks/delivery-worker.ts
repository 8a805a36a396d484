import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import { type OutboundPrivateSetting, parseOutboundPrivate } from "../outbound/outbound-policy.js";
import type { IdGenerator } from "../core/ids.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { EventWrites } from "../storage/event-writes.js";
import type { Database } from "../storage/schema.js";
import { type ClaimedRun, claimDueRuns, releaseRuns } from "./delivery-claim.js";
import { DISPATCH_BATCH, dispatchEvents, eventsHeldBack } from "./dispatcher.js";
import { startRunSender } from "./http-send.js";
import { createRunAttempts } from "./run-attempts.js";
import { createRunRecorder } from "./run-recorder.js";
import { createWorkerRegistry, type ProcessHere } from "./worker-registry.js";
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
  /** `ROSTER_OUTBOUND_PRIVATE` (the config's); without it, the process environment's. */
  readonly outboundPrivate?: OutboundPrivateSetting | undefined;
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
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** How long a claim lasts before another worker may take its deliveries over (default 60 s). */
  readonly leaseMs?: number;
  /**
   * Deliveries of a run sent but not yet recorded, at most (default 32): what a crash can make go
   * out twice. Successes are recorded as they come back, in batches, while sending goes on.
   */
  readonly unrecordedMax?: number;
  /** How often a running worker says it is alive and takes back the leases of workers that are gone (default 2 s). */
  readonly heartbeatMs?: number;
  /** A worker not heard from for this long is gone, its leases taken back (default 10 s); see `createWorkerRegistry`. */
  readonly staleMs?: number;
  /** Where this process runs (tests pretend to be another process). */
  readonly here?: ProcessHere;
  readonly random?: () => number;
}

export interface RunningWorker {
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /**
   * Claims nothing more and starts no new request; requests in flight get `graceMs` (default 0) to
   * finish, then are cut (retried later, not counted as failures). Waits until every run is
   * recorded and its unsent deliveries given back.
   */
  stop(graceMs?: number): Promise<void>;
}

/** `winding`: claim nothing more, start no new request; `cut`: cut the requests in flight. */
interface Signals {
  readonly winding: AbortSignal;
  readonly cut: AbortSignal;
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
  const unrecordedMax = options.unrecordedMax ?? 32;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const sender = startRunSender();
  const attemptRun = createRunAttempts({
    clock: deps.clock,
    keyring: deps.keyring,
    sender,
    timeoutMs,
    outboundPrivate: deps.outboundPrivate ?? parseOutboundPrivate(process.env.ROSTER_OUTBOUND_PRIVATE) ?? "admin",
  });
  const registry = createWorkerRegistry(deps, { staleMs: options.staleMs, here: options.here });
  // Claims name this worker only while it is registered (`start`): one driven by `runOnce` has no heartbeat.
  let owner: string | null = null;

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

  /** Sends a run, recording its successes as they come back; returns the attempts made. */
  async function deliverRun(run: ClaimedRun, signals: Signals): Promise<number> {
    const recorder = createRunRecorder(outcomeDeps, run);
    const attempts = await attemptRun(run, signals.cut, {
      progress: { window: unrecordedMax, onAttempt: recorder.delivered },
      finish: signals.winding,
    });
    for (const { claim, result } of attempts) {
      if (result.kind === "failed")
        deps.log.warn(
          { delivery: claim.delivery.id, endpoint: run.endpointId, error: result.error },
          "webhook delivery attempt failed",
        );
    }
    await recorder.finish(attempts);
    return attempts.length;
  }

  /** Says this worker is alive and takes back the leases of those that are not. */
  async function keepAlive(): Promise<void> {
    await registry.heartbeat();
    const released = await registry.reclaim();
    if (released > 0)
      deps.log.warn({ deliveries: released }, "took back webhook deliveries leased by a worker that is gone");
  }

  /** One pass: the runs it started, and whether committed events wait for an older transaction. */
  async function pass(slots: number, signals: Signals): Promise<{ sends: Promise<number>[]; heldBack: boolean }> {
    const heldBack = (await dispatchAll()) === 0 && (await eventsHeldBack(deps));
    const runs = await claimDueRuns(deps, { owner, runs: slots, runSize, leaseMs });
    if (signals.winding.aborted) {
      await releaseRuns(deps.db, runs);
      return { sends: [], heldBack };
    }
    const sends = runs.map((run) =>
      deliverRun(run, signals).catch((err: unknown) => {
        deps.log.error({ err, endpoint: run.endpointId }, "recording webhook attempts failed");
        return 0;
      }),
    );
    return { sends, heldBack };
  }

  return {
    /** One pass, waiting for its runs: how many attempts were made. Tests drive the worker with it. */
    async runOnce(signal: AbortSignal = new AbortController().signal): Promise<number> {
      const counts = await Promise.all((await pass(concurrency, { winding: signal, cut: signal })).sends);
      return counts.reduce((sum, n) => sum + n, 0);
    },

    /**
     * Runs until stopped, woken by commits that wrote events, by a finished run (its endpoint's
     * queue may hold more), and otherwise by the poll (due retries, other processes' events).
     */
    start(): RunningWorker {
      const winding = new AbortController();
      const cutting = new AbortController();
      const signals: Signals = { winding: winding.signal, cut: cutting.signal };
      const waker = createWaker(winding.signal, minPassGapMs);
      // Other processes' commits too, where the database can say (a `roster worker` beside `serve`).
      const unsubscribe = deps.eventWrites?.subscribe(waker.wake, "database");
      const inFlight = new Set<Promise<unknown>>();
      let heartbeat: NodeJS.Timeout | undefined;
      const loop = (async () => {
        // Registered before the first claim, and a dead predecessor's leases taken back at once.
        try {
          await registry.register();
          owner = registry.id;
          await keepAlive();
        } catch (err) {
          deps.log.error({ err }, "registering the webhook worker failed; its leases will only run out");
        }
        heartbeat = setInterval(() => {
          keepAlive().catch((err: unknown) => deps.log.error({ err }, "webhook worker heartbeat failed"));
        }, heartbeatMs);
        heartbeat.unref();
        let heldBackNap = 0;
        while (!winding.signal.aborted) {
          try {
            const started = await pass(concurrency - inFlight.size, signals);
            // Held back: look again soon, then less and less often while it lasts (a long transaction).
            heldBackNap = started.heldBack
              ? Math.min(heldBackNap === 0 ? HELD_BACK_RETRY_MS : heldBackNap * 2, pollIntervalMs)
              : 0;
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
        clearInterval(heartbeat);
        // Its runs are recorded and the rest given back: nothing is left for others to take back.
        if (owner)
          await registry
            .unregister()
            .catch((err: unknown) => deps.log.error({ err }, "unregistering the webhook worker failed"));
      })();
      return {
        wake: waker.wake,
        async stop(graceMs = 0) {
          unsubscribe?.();
          winding.abort();
          if (graceMs <= 0) cutting.abort();
          const cut = setTimeout(() => cutting.abort(), graceMs);
          try {
            await loop;
          } finally {
            clearTimeout(cut);
          }
          await sender.close();
        },
      };
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
