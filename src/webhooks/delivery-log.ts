import { AppError, Errors } from "../core/errors.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { WebhookAttemptRow, WebhookDeliveryRow } from "../storage/schema.js";
import { type DeliveryState, type WebhookDelivery, toWebhookDelivery } from "./delivery-object.js";
import { countReplayable, type ReplayRequest, type ReplayResult, replayDeliveries } from "./delivery-replay.js";
import type { WebhookEndpointService, WebhookServiceDeps } from "./endpoint-service.js";

export interface DeliveryFilter {
  readonly state?: DeliveryState | undefined;
  readonly eventId?: string | undefined;
}

/** An endpoint's deliveries and their attempts, and replaying one. Never sends: the worker does. */
export function createDeliveryLog(deps: Pick<WebhookServiceDeps, "db" | "clock">, endpoints: WebhookEndpointService) {
  const { db, clock } = deps;

  async function withAttempts(rows: readonly WebhookDeliveryRow[]): Promise<WebhookDelivery[]> {
    if (rows.length === 0) return [];
    const attempts = await db
      .selectFrom("webhook_attempts")
      .selectAll()
      .where(
        "delivery_id",
        "in",
        rows.map((r) => r.id),
      )
      .orderBy("delivery_id")
      .orderBy("attempt")
      .execute();
    const byDelivery = new Map<string, WebhookAttemptRow[]>();
    for (const a of attempts) byDelivery.set(a.delivery_id, [...(byDelivery.get(a.delivery_id) ?? []), a]);
    return rows.map((row) => toWebhookDelivery(row, byDelivery.get(row.id) ?? []));
  }

  async function findRow(endpointId: string, deliveryId: string, scope: string | null): Promise<WebhookDeliveryRow> {
    await endpoints.get(endpointId, scope);
    const row = await db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", deliveryId)
      .where("endpoint_id", "=", endpointId)
      .executeTakeFirst();
    if (!row) throw Errors.notFound("Delivery", deliveryId);
    return row;
  }

  async function get(endpointId: string, deliveryId: string, scope: string | null): Promise<WebhookDelivery> {
    const [delivery] = await withAttempts([await findRow(endpointId, deliveryId, scope)]);
    if (!delivery) throw Errors.notFound("Delivery", deliveryId);
    return delivery;
  }

  async function requireEnabled(endpointId: string, scope: string | null): Promise<void> {
    const endpoint = await endpoints.get(endpointId, scope);
    if (!endpoint.enabled)
      throw new AppError(
        409,
        "endpoint_disabled",
        `Webhook endpoint ${endpointId} is disabled; enable it (PATCH enabled: true) to send again`,
      );
  }

  return {
    get,

    /** Re-queues the endpoint's failed (or succeeded) deliveries created in a range (see `replayDeliveries`). */
    async replay(endpointId: string, scope: string | null, request: ReplayRequest): Promise<ReplayResult> {
      await requireEnabled(endpointId, scope);
      return replayDeliveries(db, clock, endpointId, request);
    },

    /** How many deliveries `replay` would re-queue, sending nothing (a replay's dry run, for a confirmation that says how many). */
    async countReplayable(endpointId: string, scope: string | null, request: ReplayRequest): Promise<number> {
      await requireEnabled(endpointId, scope);
      return countReplayable(db, endpointId, request);
    },

    async list(
      endpointId: string,
      scope: string | null,
      filter: DeliveryFilter,
      page: PageRequest,
    ): Promise<Page<WebhookDelivery>> {
      await endpoints.get(endpointId, scope);
      let query = db.selectFrom("webhook_deliveries").selectAll().where("endpoint_id", "=", endpointId);
      if (filter.state) query = query.where("state", "=", filter.state);
      if (filter.eventId) query = query.where("event_id", "=", filter.eventId);
      const result = await paginate(query, "id", page);
      return { ...result, data: await withAttempts(result.data) };
    },

    /**
     * Queues the delivery to be sent now, whatever its state, with a fresh retry window. Order per
     * endpoint still holds: an earlier delivery still pending goes first, so it is made due now too.
     */
    async retry(endpointId: string, deliveryId: string, scope: string | null): Promise<WebhookDelivery> {
      const row = await findRow(endpointId, deliveryId, scope);
      await requireEnabled(endpointId, scope);
      const now = clock.now().toISOString();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("webhook_deliveries")
          .set({ state: "pending", failures: 0, give_up_at: null, next_attempt_at: now, updated_at: now })
          .where("id", "=", row.id)
          .execute();
        await trx
          .updateTable("webhook_deliveries")
          .set({ next_attempt_at: now, updated_at: now })
          .where("endpoint_id", "=", endpointId)
          .where("state", "=", "pending")
          .where("event_pos", "<", row.event_pos)
          .where("next_attempt_at", ">", now)
          .execute();
      });
      return get(endpointId, deliveryId, scope);
    },
  };
}

export type DeliveryLog = ReturnType<typeof createDeliveryLog>;
