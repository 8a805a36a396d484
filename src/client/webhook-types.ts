// Webhook endpoints and their delivery log, as `/webhook_endpoints` serves them.

import type { RosterEventType } from "./event-types.js";

export interface WebhookEndpoint {
  readonly object: "webhook_endpoint";
  readonly id: string;
  /** The owning organization; null for a global endpoint (admin only) that gets every organization's events. */
  readonly organization_id: string | null;
  readonly url: string;
  /** WorkOS's name for `url`. */
  readonly endpoint_url: string;
  /** The event types it receives; empty: every type. */
  readonly events: RosterEventType[];
  /** False once deliveries gave up (see `disabled_reason`) or after `update(id, { enabled: false })`. */
  readonly enabled: boolean;
  readonly disabled_reason: string | null;
  readonly disabled_at: string | null;
  /** `whsec_…`: present only in the answer that created the endpoint. */
  readonly secret?: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** The answer of `webhookEndpoints.create`: the only time the signing secret is shown. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  readonly secret: string;
}

export type WebhookDeliveryState = "pending" | "succeeded" | "failed";

/** One try at sending a delivery. */
export interface WebhookAttempt {
  readonly object: "webhook_attempt";
  readonly id: string;
  /** 1 for the first try. */
  readonly attempt: number;
  /** The receiver's HTTP status; null when it did not answer. */
  readonly status_code: number | null;
  readonly latency_ms: number;
  /** At most 1 KiB of the receiver's answer. */
  readonly response_excerpt: string | null;
  /** What went wrong (`HTTP 503`, `connect ECONNREFUSED …`, `timed out after 10000 ms`); null on success. */
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
  readonly event: RosterEventType;
  readonly state: WebhookDeliveryState;
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

/**
 * The answer of `webhookEndpoints.test`: one signed `webhook.test` event sent now, and how the
 * receiver answered. Nothing is recorded: no delivery, no event in the feed, no retry.
 */
export interface WebhookTestResult {
  readonly object: "webhook_test";
  readonly endpoint_id: string;
  readonly url: string;
  /** The body sent: `verifyWebhook` accepts it like any delivery; `event` is `"webhook.test"`. */
  readonly event: {
    readonly id: string;
    readonly event: "webhook.test";
    readonly data: { readonly webhook_endpoint_id: string };
    readonly created_at: string;
  };
  /** The receiver answered 2xx within 10 s. */
  readonly delivered: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  /** At most 1 KiB of the receiver's answer. */
  readonly response_excerpt: string | null;
  /** Why it was not delivered (a status, a timeout, a refused connection); null when delivered. */
  readonly error: string | null;
}

/** What `webhookEndpoints.replayDeliveries` asks for. */
export interface ReplayDeliveriesInput {
  /**
   * `failed`: deliveries that gave up and those waiting on a backoff after a failed attempt (made due
   * now); `succeeded`: deliveries the receiver took and says it lost.
   */
  readonly status: "failed" | "succeeded";
  /** ISO-8601: deliveries created at or after it (UTC unless an offset is given). */
  readonly since?: string;
  /** ISO-8601: deliveries created before it. */
  readonly until?: string;
  /** Count what the replay would send again (`matched`) and send nothing. */
  readonly dry_run?: boolean;
}

/** The answer of a bulk replay: how many deliveries it queued again. */
export interface WebhookReplayResult {
  readonly object: "webhook_replay";
  readonly endpoint_id: string;
  /** Deliveries this request made pending and due now (at most 1,000). */
  readonly replayed: number;
  /** More matched than one request replays: send it again for the next ones. */
  readonly has_more: boolean;
  /** The request was a dry run: nothing was sent again. */
  readonly dry_run: boolean;
  /** Dry runs only: how many deliveries the replay would send again, in all. */
  readonly matched?: number;
}
