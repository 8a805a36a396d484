import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database } from "../storage/schema.js";
import { type ClaimedDelivery, claimDueDeliveries, releaseClaims } from "./delivery-claim.js";
import { type AttemptResult, recordAttempt } from "./delivery-outcome.js";
import { DISPATCH_BATCH, dispatchEvents } from "./dispatcher.js";
import { type FetchLike, sendWebhook } from "./http-send.js";
import { signatureHeaders } from "./signing.js";

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
}

export interface DeliveryWorkerOptions {
  /** How often an idle worker looks for new events and due retries (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** Deliveries in flight at once, each to a different endpoint (default 8). */
  readonly concurrency?: number;
  /** Per-request timeout (default 10 s, SPEC §5). */
  readonly timeoutMs?: number;
  /** How long a claim lasts before another worker may take the delivery over (default 60 s). */
  readonly leaseMs?: number;
  readonly random?: () => number;
  readonly fetch?: FetchLike;
}

export interface RunningWorker {
  /** Look for work now instead of at the next poll. */
  wake(): void;
  /** Aborts requests in flight (they are retried, not counted as failures) and waits for the loop to end. */
  stop(): Promise<void>;
}

const MAX_DISPATCH_BATCHES_PER_PASS = 20;

/** Sleeps up to `ms`, ending early on `wake()` or abort; a wake while awake skips the next nap. */
function createWaker(signal: AbortSignal, ms: number) {
  let pending = false;
  let interrupt: (() => void) | null = null;
  return {
    wake(): void {
      pending = true;
      interrupt?.();
    },
    nap(): Promise<void> {
      return new Promise<void>((resolve) => {
        if (pending || signal.aborted) {
          pending = false;
          return resolve();
        }
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          interrupt = null;
          pending = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        interrupt = done;
      });
    },
  };
}

/**
 * The only part of Roster that talks to receivers: turns events into deliveries, claims due
 * ones, signs and POSTs them, and records every attempt. Any number of workers can run
 * against one PostgreSQL (claims are exclusive); all state is in the database.
 */
export function createDeliveryWorker(deps: DeliveryWorkerDeps, options: DeliveryWorkerOptions = {}) {
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const concurrency = options.concurrency ?? 8;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const outcomeDeps = { db: deps.db, clock: deps.clock, ids: deps.ids, random: options.random ?? Math.random };

  async function dispatchAll(): Promise<void> {
    for (let i = 0; i < MAX_DISPATCH_BATCHES_PER_PASS; i++) {
      if ((await dispatchEvents(deps)) < DISPATCH_BATCH) return;
    }
  }

  async function attempt(claim: ClaimedDelivery, signal: AbortSignal): Promise<AttemptResult> {
    const event = await deps.db.selectFrom("events").select(["id", "event", "data", "created_at"]).where("id", "=", claim.delivery.event_id).executeTakeFirst();
    if (!event) return { kind: "failed", status: null, excerpt: null, error: `event ${claim.delivery.event_id} no longer exists`, latencyMs: 0, permanent: true };
    const body = JSON.stringify({ id: event.id, event: event.event, data: JSON.parse(event.data) as unknown, created_at: event.created_at });
    const secret = deps.keyring.box().open(claim.secretSealed, claim.delivery.endpoint_id);
    const headers = signatureHeaders({ eventId: event.id, body, secret, now: deps.clock.now() });
    return sendWebhook({ url: claim.url, body, headers, timeoutMs, signal }, options.fetch);
  }

  async function deliver(claim: ClaimedDelivery, signal: AbortSignal): Promise<void> {
    const startedAt = deps.clock.now();
    let result: AttemptResult;
    try {
      result = await attempt(claim, signal);
    } catch (err) {
      // Roster's side failed (e.g. the secret cannot be opened): logged like any failed attempt.
      result = { kind: "failed", status: null, excerpt: null, error: `not sent: ${err instanceof Error ? err.message : String(err)}`, latencyMs: 0 };
    }
    if (result.kind === "failed") deps.log.warn({ delivery: claim.delivery.id, endpoint: claim.delivery.endpoint_id, error: result.error }, "webhook delivery attempt failed");
    await recordAttempt(outcomeDeps, claim, result, startedAt);
  }

  async function pass(limit: number, signal: AbortSignal): Promise<Promise<void>[]> {
    await dispatchAll();
    const claims = await claimDueDeliveries(deps, limit, leaseMs);
    if (signal.aborted) {
      await releaseClaims(deps.db, claims);
      return [];
    }
    return claims.map((claim) =>
      deliver(claim, signal).catch((err: unknown) => deps.log.error({ err, delivery: claim.delivery.id }, "recording a webhook attempt failed")),
    );
  }

  return {
    /** One pass, waiting for its deliveries: how many were attempted. Tests drive the worker with it. */
    async runOnce(signal: AbortSignal = new AbortController().signal): Promise<number> {
      const sends = await pass(concurrency, signal);
      await Promise.all(sends);
      return sends.length;
    },

    /** Polls until stopped; a finished delivery wakes the loop, since it may unblock its endpoint's next one. */
    start(): RunningWorker {
      const controller = new AbortController();
      const waker = createWaker(controller.signal, pollIntervalMs);
      const inFlight = new Set<Promise<void>>();
      const loop = (async () => {
        while (!controller.signal.aborted) {
          try {
            for (const send of await pass(concurrency - inFlight.size, controller.signal)) {
              const tracked: Promise<void> = send.finally(() => {
                inFlight.delete(tracked);
                waker.wake();
              });
              inFlight.add(tracked);
            }
          } catch (err) {
            deps.log.error({ err }, "webhook worker pass failed");
          }
          await waker.nap();
        }
        await Promise.allSettled([...inFlight]);
      })();
      return {
        wake: waker.wake,
        async stop() {
          controller.abort();
          await loop;
        },
      };
    },
  };
}

export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
