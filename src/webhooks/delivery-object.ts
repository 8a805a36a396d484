import type { WebhookAttemptRow, WebhookDeliveryRow } from "../storage/schema.js";

export type DeliveryState = "pending" | "succeeded" | "failed";

export interface WebhookAttempt {
  readonly object: "webhook_attempt";
  readonly id: string;
  readonly attempt: number;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly response_excerpt: string | null;
  readonly error: string | null;
  readonly started_at: string;
  readonly finished_at: string;
}

/** One event to one endpoint, with every attempt made to deliver it. */
export interface WebhookDelivery {
  readonly object: "webhook_delivery";
  readonly id: string;
  readonly endpoint_id: string;
  readonly event_id: string;
  readonly event: string;
  readonly state: DeliveryState;
  readonly attempt_count: number;
  /** When the next attempt is due; null unless pending. */
  readonly next_attempt_at: string | null;
  readonly delivered_at: string | null;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  readonly attempts: WebhookAttempt[];
  readonly created_at: string;
  readonly updated_at: string;
}

export function toWebhookAttempt(row: WebhookAttemptRow): WebhookAttempt {
  return {
    object: "webhook_attempt",
    id: row.id,
    attempt: row.attempt,
    status_code: row.status_code,
    latency_ms: row.latency_ms,
    response_excerpt: row.response_excerpt,
    error: row.error,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}

export function toWebhookDelivery(row: WebhookDeliveryRow, attempts: readonly WebhookAttemptRow[]): WebhookDelivery {
  return {
    object: "webhook_delivery",
    id: row.id,
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event: row.event_type,
    state: row.state as DeliveryState,
    attempt_count: row.attempt_count,
    next_attempt_at: row.state === "pending" ? row.next_attempt_at : null,
    delivered_at: row.delivered_at,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    attempts: attempts.map(toWebhookAttempt),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
