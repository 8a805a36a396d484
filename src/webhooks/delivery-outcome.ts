import type { Kysely, Updateable } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database, WebhookDeliveriesTable } from "../storage/schema.js";
import { RETRY_WINDOW_MS, retryDelayMs } from "./backoff.js";
import type { ClaimedDelivery } from "./delivery-claim.js";
import type { SendOutcome } from "./http-send.js";

export interface OutcomeDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly random: () => number;
}

const INTERRUPTED = "interrupted: the worker shut down";

/** What came of one attempt; `permanent` failures (the event is gone) are not retried. */
export type AttemptResult = SendOutcome | { readonly kind: "failed"; readonly status: null; readonly excerpt: null; readonly error: string; readonly latencyMs: number; readonly permanent: true };

function isPermanent(result: AttemptResult): boolean {
  return "permanent" in result && result.permanent;
}

/** The delivery's next state after `result`; `giveUp` when the retry window is spent. */
function nextState(claim: ClaimedDelivery, result: AttemptResult, now: Date, random: () => number): { changes: Updateable<WebhookDeliveriesTable>; giveUp: boolean } {
  const at = now.toISOString();
  if (result.kind === "delivered") {
    return { changes: { state: "succeeded", delivered_at: at, failures: 0, give_up_at: null, last_status_code: result.status, last_error: null }, giveUp: false };
  }
  if (result.kind === "interrupted") return { changes: { next_attempt_at: at, last_error: INTERRUPTED }, giveUp: false };
  const failures = claim.delivery.failures + 1;
  const giveUpAt = claim.delivery.give_up_at ?? new Date(now.getTime() + RETRY_WINDOW_MS).toISOString();
  const next = new Date(now.getTime() + retryDelayMs(failures, random)).toISOString();
  const giveUp = next > giveUpAt;
  const common = { failures, give_up_at: giveUpAt, last_status_code: result.status, last_error: result.error };
  if (isPermanent(result)) return { changes: { ...common, state: "failed" }, giveUp: false };
  return { changes: giveUp ? { ...common, state: "failed" } : { ...common, next_attempt_at: next }, giveUp };
}

/**
 * Logs the attempt and moves the delivery on, in one transaction: delivered; or due again after
 * a backoff; or, once the ~3-day window is spent, failed, with its endpoint disabled and the
 * reason recorded. Guarded by the claim token: a worker whose lease ran out changes nothing
 * but the log.
 */
export async function recordAttempt(deps: OutcomeDeps, claim: ClaimedDelivery, result: AttemptResult, startedAt: Date): Promise<void> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const { changes, giveUp } = nextState(claim, result, now, deps.random);
  const { delivery } = claim;
  await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("webhook_deliveries")
      .set({ ...changes, attempt_count: delivery.attempt_count + 1, locked_until: null, claim_token: null, updated_at: at })
      .where("id", "=", delivery.id)
      .where("claim_token", "=", claim.token)
      .executeTakeFirst();
    const current = Number(updated.numUpdatedRows) === 1;
    // Deleted meanwhile (its endpoint was): nothing left to log against.
    if (!current && !(await trx.selectFrom("webhook_deliveries").select("id").where("id", "=", delivery.id).executeTakeFirst())) return;
    await trx
      .insertInto("webhook_attempts")
      .values({
        id: deps.ids("deliveryAttempt"),
        delivery_id: delivery.id,
        attempt: delivery.attempt_count + 1,
        status_code: result.kind === "interrupted" ? null : result.status,
        latency_ms: result.latencyMs,
        response_excerpt: result.kind === "interrupted" ? null : result.excerpt,
        error: result.kind === "delivered" ? null : result.kind === "interrupted" ? INTERRUPTED : result.error,
        started_at: startedAt.toISOString(),
        finished_at: at,
      })
      .execute();
    if (!giveUp || !current) return;
    const reason = `Gave up on delivery ${delivery.id} (event ${delivery.event_id}) after ${changes.failures} failed attempts over 3 days; last error: ${changes.last_error}`;
    await trx
      .updateTable("webhook_endpoints")
      .set({ enabled: 0, disabled_reason: reason, disabled_at: at, updated_at: at })
      .where("id", "=", delivery.endpoint_id)
      .where("enabled", "=", 1)
      .execute();
  });
}
