import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../core/clock.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database, WebhookDeliveryRow } from "../storage/schema.js";

export interface ClaimDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly clock: Clock;
}

/** The stored event a delivery sends; null when it no longer exists. */
export interface DeliveryEvent {
  readonly id: string;
  readonly event: string;
  /** JSON text, as the outbox wrote it. */
  readonly data: string;
  readonly created_at: string;
}

export interface ClaimedDelivery {
  readonly delivery: WebhookDeliveryRow;
  readonly event: DeliveryEvent | null;
}

/**
 * A run this worker holds a lease on: consecutive pending deliveries of one endpoint from the
 * head of its queue, in feed order, to send one after another under one claim token.
 */
export interface ClaimedRun {
  readonly endpointId: string;
  readonly url: string;
  /** An admin let the endpoint reach private addresses (`private_network`). */
  readonly privateNetwork: boolean;
  readonly secretSealed: string;
  readonly token: string;
  /** When the lease ends (ms since the epoch, by the worker's clock). */
  readonly leaseEnd: number;
  readonly deliveries: readonly ClaimedDelivery[];
}

/** Bounds of one claim, and the registered worker it is taken for. */
export interface ClaimLimits {
  /** The claiming worker's `webhook_workers` id: its leases are taken back if it dies. */
  readonly owner: string | null;
  /** Runs (endpoints) at most. */
  readonly runs: number;
  /** Deliveries per run at most. */
  readonly runSize: number;
  readonly leaseMs: number;
}

type Head = Pick<WebhookDeliveryRow, "id" | "endpoint_id" | "event_pos">;

/**
 * Each enabled endpoint's head delivery (its pending one earliest in the feed) when it is due
 * and not leased: a failing event holds back later ones to that endpoint only. On PostgreSQL,
 * `FOR UPDATE SKIP LOCKED` lets concurrent workers pass each other's candidates.
 */
async function dueHeads(
  trx: Transaction<Database>,
  caps: StorageCapabilities,
  nowIso: string,
  limit: number,
): Promise<Head[]> {
  const heads = trx
    .selectFrom("webhook_deliveries as d")
    .select(["d.id", "d.endpoint_id", "d.event_pos"])
    .where("d.id", "in", (eb) =>
      eb
        .selectFrom("webhook_endpoints as e")
        .where("e.enabled", "=", 1)
        .select((inner) =>
          inner
            .selectFrom("webhook_deliveries as head")
            .select("head.id")
            .whereRef("head.endpoint_id", "=", "e.id")
            .where("head.state", "=", "pending")
            .orderBy("head.event_pos")
            .limit(1)
            .as("head_id"),
        ),
    )
    .where("d.next_attempt_at", "<=", nowIso)
    .where((eb) => eb.or([eb("d.locked_until", "is", null), eb("d.locked_until", "<=", nowIso)]))
    .orderBy("d.next_attempt_at")
    .limit(limit);
  return caps.lockSkippingLocked(heads).execute();
}

/**
 * Leases the head and the pending deliveries right behind it while each is due and free, with
 * their events, and returns what this worker got, in order. The conditional UPDATE makes the
 * claim exclusive on any backend; anything past a gap (another worker's) is given back at once.
 */
async function claimRun(
  trx: Transaction<Database>,
  head: Head,
  nowIso: string,
  leaseEndIso: string,
  limits: ClaimLimits,
): Promise<{ token: string; deliveries: ClaimedDelivery[] }> {
  const rows = await trx
    .selectFrom("webhook_deliveries as d")
    .leftJoin("events as ev", "ev.id", "d.event_id")
    .selectAll("d")
    .select(["ev.event as ev_event", "ev.data as ev_data", "ev.created_at as ev_created_at"])
    .where("d.endpoint_id", "=", head.endpoint_id)
    .where("d.state", "=", "pending")
    .where("d.event_pos", ">=", head.event_pos)
    .orderBy("d.event_pos")
    .limit(limits.runSize)
    .execute();
  const free = (r: WebhookDeliveryRow) =>
    r.next_attempt_at <= nowIso && (r.locked_until === null || r.locked_until <= nowIso);
  const end = rows.findIndex((r) => !free(r));
  const wanted = end === -1 ? rows : rows.slice(0, end);
  const token = randomUUID();
  if (wanted.length === 0) return { token, deliveries: [] };
  const leased = await trx
    .updateTable("webhook_deliveries")
    .set({ locked_until: leaseEndIso, claim_token: token, claim_owner: limits.owner })
    .where(
      "id",
      "in",
      wanted.map((r) => r.id),
    )
    .where("state", "=", "pending")
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", nowIso)]))
    .returning("id")
    .execute();
  const mine = new Set(leased.map((r) => r.id));
  const gap = wanted.findIndex((r) => !mine.has(r.id));
  const run = gap === -1 ? wanted : wanted.slice(0, gap);
  const stray = wanted.slice(run.length).filter((r) => mine.has(r.id));
  if (stray.length > 0)
    await release(
      trx,
      stray.map((r) => r.id),
      token,
    );
  return {
    token,
    deliveries: run.map(({ ev_event, ev_data, ev_created_at, ...delivery }) => ({
      delivery: { ...delivery, locked_until: leaseEndIso, claim_token: token, claim_owner: limits.owner },
      event:
        ev_event === null || ev_data === null || ev_created_at === null
          ? null
          : { id: delivery.event_id, event: ev_event, data: ev_data, created_at: ev_created_at },
    })),
  };
}

/**
 * Claims runs of due deliveries, at most one per endpoint. A claim is a lease (`locked_until`)
 * with a token, not a held lock, so no transaction stays open while the network is slow; a
 * worker that dies loses its lease and another picks the deliveries up.
 */
export async function claimDueRuns(deps: ClaimDeps, limits: ClaimLimits): Promise<ClaimedRun[]> {
  if (limits.runs <= 0) return [];
  const { db, caps } = deps;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const leaseEnd = now.getTime() + limits.leaseMs;
  const leaseEndIso = new Date(leaseEnd).toISOString();

  const claimed = await db.transaction().execute(async (trx) => {
    const runs: { endpointId: string; token: string; deliveries: ClaimedDelivery[] }[] = [];
    for (const head of await dueHeads(trx, caps, nowIso, limits.runs)) {
      const run = await claimRun(trx, head, nowIso, leaseEndIso, limits);
      if (run.deliveries.length > 0) runs.push({ endpointId: head.endpoint_id, ...run });
    }
    return runs;
  });
  if (claimed.length === 0) return [];

  const endpoints = await db
    .selectFrom("webhook_endpoints")
    .select(["id", "url", "secret_sealed", "private_network"])
    .where(
      "id",
      "in",
      claimed.map((c) => c.endpointId),
    )
    .execute();
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  return claimed.flatMap((c) => {
    const endpoint = byId.get(c.endpointId);
    // Deleted since the claim: its deliveries went with it (cascade), nothing to send.
    return endpoint
      ? [
          {
            ...c,
            url: endpoint.url,
            privateNetwork: endpoint.private_network === 1,
            secretSealed: endpoint.secret_sealed,
            leaseEnd,
          },
        ]
      : [];
  });
}

/** Gives leased deliveries back untouched: due again at once. */
export async function release(db: Kysely<Database>, ids: readonly string[], token: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("webhook_deliveries")
    .set({ locked_until: null, claim_token: null, claim_owner: null })
    .where("id", "in", [...ids])
    .where("claim_token", "=", token)
    .execute();
}

/** Gives whole runs back (the worker is stopping before it sent them). */
export async function releaseRuns(db: Kysely<Database>, runs: readonly ClaimedRun[]): Promise<void> {
  for (const run of runs)
    await release(
      db,
      run.deliveries.map((d) => d.delivery.id),
      run.token,
    );
}
