import { type Insertable, type Kysely, type Transaction, type Updateable, sql } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable } from "../storage/schema.js";
import { RETRY_WINDOW_MS, retryDelayMs } from "./backoff.js";
import { type ClaimedDelivery, type ClaimedRun, release } from "./delivery-claim.js";
import type { SendOutcome } from "./http-send.js";

export interface OutcomeDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly random: () => number;
}

const INTERRUPTED = "interrupted: the worker shut down";

/** What came of one attempt; `permanent` failures (the event is gone) are not retried. */
export type AttemptResult =
  | SendOutcome
  | {
      readonly kind: "failed";
      readonly status: null;
      readonly excerpt: null;
      readonly error: string;
      readonly latencyMs: number;
      readonly permanent: true;
    };

/** One attempt made within a run. */
export interface Attempt {
  readonly claim: ClaimedDelivery;
  readonly result: AttemptResult;
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

function isPermanent(result: AttemptResult): boolean {
  return "permanent" in result && result.permanent;
}

/** The next state of a delivery whose attempt did not succeed; `giveUp` when the retry window is spent. */
function afterFailure(
  claim: ClaimedDelivery,
  result: Exclude<AttemptResult, { kind: "delivered" }>,
  now: Date,
  random: () => number,
): { changes: Updateable<WebhookDeliveriesTable>; giveUp: boolean } {
  const at = now.toISOString();
  if (result.kind === "interrupted")
    return { changes: { next_attempt_at: at, last_error: INTERRUPTED }, giveUp: false };
  const failures = claim.delivery.failures + 1;
  const giveUpAt = claim.delivery.give_up_at ?? new Date(now.getTime() + RETRY_WINDOW_MS).toISOString();
  const next = new Date(now.getTime() + retryDelayMs(failures, random)).toISOString();
  const giveUp = next > giveUpAt;
  const common = { failures, give_up_at: giveUpAt, last_status_code: result.status, last_error: result.error };
  if (isPermanent(result)) return { changes: { ...common, state: "failed" }, giveUp: false };
  return { changes: giveUp ? { ...common, state: "failed" } : { ...common, next_attempt_at: next }, giveUp };
}

function attemptRow(
  deps: OutcomeDeps,
  { claim, result, startedAt, finishedAt }: Attempt,
): Insertable<WebhookAttemptsTable> {
  return {
    id: deps.ids("deliveryAttempt"),
    delivery_id: claim.delivery.id,
    attempt: claim.delivery.attempt_count + 1,
    status_code: result.kind === "interrupted" ? null : result.status,
    latency_ms: result.latencyMs,
    response_excerpt: result.kind === "interrupted" ? null : result.excerpt,
    error: result.kind === "delivered" ? null : result.kind === "interrupted" ? INTERRUPTED : result.error,
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
  };
}

/** Marks the delivered ones succeeded in one statement, each with its own time and status: the ids still leased to us. */
async function markDelivered(
  trx: Transaction<Database>,
  run: ClaimedRun,
  delivered: readonly Attempt[],
  at: string,
): Promise<string[]> {
  if (delivered.length === 0) return [];
  const ids = delivered.map((a) => a.claim.delivery.id);
  // Each then-value is cast: PostgreSQL would otherwise type the CASE as text.
  const byId = (type: "text" | "integer", value: (a: Attempt) => string | number) =>
    sql`case id ${sql.join(
      delivered.map((a) => sql`when ${a.claim.delivery.id} then cast(${value(a)} as ${sql.raw(type)})`),
      sql` `,
    )} end`;
  const rows = await trx
    .updateTable("webhook_deliveries")
    .set((eb) => ({
      state: "succeeded",
      delivered_at: byId("text", (a) => a.finishedAt.toISOString()) as unknown as string,
      last_status_code: byId("integer", (a) =>
        a.result.kind === "delivered" ? a.result.status : 0,
      ) as unknown as number,
      failures: 0,
      give_up_at: null,
      last_error: null,
      attempt_count: eb("attempt_count", "+", 1),
      locked_until: null,
      claim_token: null,
      claim_owner: null,
      updated_at: at,
    }))
    .where("id", "in", ids)
    .where("claim_token", "=", run.token)
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

/** Logs attempts: `current` holds the deliveries still ours; a lost lease still logs its attempts, unless the delivery is gone (its endpoint was deleted). */
async function logAttempts(
  trx: Transaction<Database>,
  deps: OutcomeDeps,
  attempts: readonly Attempt[],
  current: ReadonlySet<string>,
): Promise<void> {
  const stale = attempts.map((a) => a.claim.delivery.id).filter((id) => !current.has(id));
  const existing = new Set(current);
  if (stale.length > 0)
    for (const r of await trx.selectFrom("webhook_deliveries").select("id").where("id", "in", stale).execute())
      existing.add(r.id);
  const logged = attempts.filter((a) => existing.has(a.claim.delivery.id)).map((a) => attemptRow(deps, a));
  if (logged.length > 0) await trx.insertInto("webhook_attempts").values(logged).execute();
}

/**
 * Records delivered attempts of a run still going, in one transaction: each delivery succeeded
 * and its attempt logged. A worker killed mid-run then sends again only what it had not recorded.
 */
export async function recordDelivered(
  deps: OutcomeDeps,
  run: ClaimedRun,
  delivered: readonly Attempt[],
): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    const current = new Set(await markDelivered(trx, run, delivered, at));
    await logAttempts(trx, deps, delivered, current);
  });
}

/**
 * Records a run in one transaction: each attempt logged; the delivered ones succeeded; the last
 * one, if it failed, due again after a backoff or, once the ~3-day window is spent, failed with
 * its endpoint disabled and the reason recorded; the deliveries never sent given back. Guarded
 * by the claim token: a worker whose lease ran out changes nothing but the log.
 */
export async function recordRun(
  deps: OutcomeDeps,
  run: ClaimedRun,
  attempts: readonly Attempt[],
  unsent: readonly ClaimedDelivery[],
): Promise<void> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const delivered = attempts.filter((a) => a.result.kind === "delivered");
  const last = attempts.at(-1);
  const failed =
    last && last.result.kind !== "delivered"
      ? { attempt: last, ...afterFailure(last.claim, last.result, now, deps.random) }
      : null;
  await deps.db.transaction().execute(async (trx) => {
    const current = new Set(await markDelivered(trx, run, delivered, at));
    if (failed) {
      const { delivery } = failed.attempt.claim;
      const updated = await trx
        .updateTable("webhook_deliveries")
        .set({
          ...failed.changes,
          attempt_count: delivery.attempt_count + 1,
          locked_until: null,
          claim_token: null,
          claim_owner: null,
          updated_at: at,
        })
        .where("id", "=", delivery.id)
        .where("claim_token", "=", run.token)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 1) current.add(delivery.id);
    }
    await release(
      trx,
      unsent.map((c) => c.delivery.id),
      run.token,
    );
    await logAttempts(trx, deps, attempts, current);

    if (!failed?.giveUp || !current.has(failed.attempt.claim.delivery.id)) return;
    const { delivery } = failed.attempt.claim;
    const reason = `Gave up on delivery ${delivery.id} (event ${delivery.event_id}) after ${failed.changes.failures} failed attempts over 3 days; last error: ${failed.changes.last_error}`;
    await trx
      .updateTable("webhook_endpoints")
      .set({ enabled: 0, disabled_reason: reason, disabled_at: at, updated_at: at })
      .where("id", "=", delivery.endpoint_id)
      .where("enabled", "=", 1)
      .execute();
  });
}
