import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database, WebhookDeliveryRow } from "../storage/schema.js";

export interface ClaimDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly clock: Clock;
}

/** A delivery this worker holds a lease on, with where to send it. */
export interface ClaimedDelivery {
  readonly delivery: WebhookDeliveryRow;
  readonly token: string;
  readonly url: string;
  readonly secretSealed: string;
}

/**
 * Claims up to `limit` due deliveries, each the head of its endpoint's queue (its pending
 * delivery earliest in the event feed): a failing event holds back later ones to that
 * endpoint only. A claim is a lease (`locked_until`) with a token, not a held lock, so no
 * transaction stays open while the network is slow; a worker that dies loses its lease and
 * another picks the delivery up. On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets concurrent
 * workers pass each other's candidates; the conditional UPDATE makes the claim exclusive
 * on any backend.
 */
export async function claimDueDeliveries(deps: ClaimDeps, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  const { db, caps } = deps;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const leaseEnd = new Date(now.getTime() + leaseMs).toISOString();

  const claimed = await db.transaction().execute(async (trx) => {
    let candidates = trx
      .selectFrom("webhook_deliveries as d")
      .selectAll("d")
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
    if (caps.skipLocked) candidates = candidates.forUpdate().skipLocked();
    const rows = await candidates.execute();

    const mine: { delivery: WebhookDeliveryRow; token: string }[] = [];
    for (const row of rows) {
      const token = randomUUID();
      const result = await trx
        .updateTable("webhook_deliveries")
        .set({ locked_until: leaseEnd, claim_token: token })
        .where("id", "=", row.id)
        .where("state", "=", "pending")
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", nowIso)]))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) mine.push({ delivery: { ...row, locked_until: leaseEnd, claim_token: token }, token });
    }
    return mine;
  });
  if (claimed.length === 0) return [];

  const endpoints = await db
    .selectFrom("webhook_endpoints")
    .select(["id", "url", "secret_sealed"])
    .where("id", "in", claimed.map((c) => c.delivery.endpoint_id))
    .execute();
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  return claimed.flatMap((c) => {
    const endpoint = byId.get(c.delivery.endpoint_id);
    // Deleted since the claim: its deliveries went with it (cascade), nothing to send.
    return endpoint ? [{ ...c, url: endpoint.url, secretSealed: endpoint.secret_sealed }] : [];
  });
}

/** Gives claims back untouched (the worker is stopping before it sent them): due again at once. */
export async function releaseClaims(db: Kysely<Database>, claims: readonly ClaimedDelivery[]): Promise<void> {
  for (const claim of claims) {
    await db.updateTable("webhook_deliveries").set({ locked_until: null, claim_token: null }).where("id", "=", claim.delivery.id).where("claim_token", "=", claim.token).execute();
  }
}
