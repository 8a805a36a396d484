import type { ExpressionBuilder, Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { Database } from "../storage/schema.js";

/** The most deliveries one replay request re-queues; `has_more` asks the caller to send it again. */
export const REPLAY_LIMIT = 1000;

/**
 * Which deliveries a replay sends again: `failed` are those that gave up and those waiting on a
 * backoff after a failed attempt (made due now); `succeeded` are those the receiver took (it lost them).
 */
export type ReplayStatus = "failed" | "succeeded";

export interface ReplayRequest {
  readonly status: ReplayStatus;
  /** Deliveries created at or after this instant (UTC text as stored). */
  readonly since?: string | undefined;
  /** Deliveries created before this instant. */
  readonly until?: string | undefined;
}

export interface ReplayResult {
  readonly replayed: number;
  readonly hasMore: boolean;
}

function matching(status: ReplayStatus) {
  return (eb: ExpressionBuilder<Database, "webhook_deliveries">) =>
    status === "succeeded"
      ? eb("state", "=", "succeeded")
      : eb.or([eb("state", "=", "failed"), eb.and([eb("state", "=", "pending"), eb("failures", ">", 0)])]);
}

/** How many of the endpoint's deliveries a replay of `request` would send again (all of them, past `REPLAY_LIMIT`); changes nothing. */
export async function countReplayable(
  db: Kysely<Database>,
  endpointId: string,
  request: ReplayRequest,
): Promise<number> {
  let query = db
    .selectFrom("webhook_deliveries")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("endpoint_id", "=", endpointId)
    .where(matching(request.status));
  if (request.since !== undefined) query = query.where("created_at", ">=", request.since);
  if (request.until !== undefined) query = query.where("created_at", "<", request.until);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Re-queues an endpoint's deliveries of `status` created in the range, oldest event first, at most
 * `REPLAY_LIMIT` per call, each due now with a fresh retry window. A replayed delivery no longer
 * matches (pending, no failures), so a second call (or two at once) re-queues nothing twice and
 * the count is what this call changed.
 */
export async function replayDeliveries(
  db: Kysely<Database>,
  clock: Clock,
  endpointId: string,
  request: ReplayRequest,
): Promise<ReplayResult> {
  const now = clock.now().toISOString();
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom("webhook_deliveries")
      .select(["id", "event_pos"])
      .where("endpoint_id", "=", endpointId)
      .where(matching(request.status));
    if (request.since !== undefined) query = query.where("created_at", ">=", request.since);
    if (request.until !== undefined) query = query.where("created_at", "<", request.until);
    const rows = await query
      .orderBy("event_pos")
      .limit(REPLAY_LIMIT + 1)
      .execute();
    const chosen = rows.slice(0, REPLAY_LIMIT);
    const last = chosen.at(-1);
    if (!last) return { replayed: 0, hasMore: false };
    const updated = await trx
      .updateTable("webhook_deliveries")
      .set({ state: "pending", failures: 0, give_up_at: null, next_attempt_at: now, updated_at: now })
      .where(
        "id",
        "in",
        chosen.map((r) => r.id),
      )
      .where(matching(request.status))
      .executeTakeFirst();
    // Order per endpoint still holds: an earlier delivery waiting on its backoff goes first, so it is made due now too.
    await trx
      .updateTable("webhook_deliveries")
      .set({ next_attempt_at: now, updated_at: now })
      .where("endpoint_id", "=", endpointId)
      .where("state", "=", "pending")
      .where("event_pos", "<", last.event_pos)
      .where("next_attempt_at", ">", now)
      .execute();
    return { replayed: Number(updated.numUpdatedRows), hasMore: rows.length > REPLAY_LIMIT };
  });
}
