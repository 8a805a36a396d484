// Events as `GET /events` lists them and webhooks deliver them.

/** Every event type Roster writes: WorkOS's `dsync.*` names plus Roster's token and connector events. */
export const ROSTER_EVENT_TYPES = [
  "dsync.activated",
  "dsync.deleted",
  "dsync.user.created",
  "dsync.user.updated",
  "dsync.user.deleted",
  "dsync.group.created",
  "dsync.group.updated",
  "dsync.group.deleted",
  "dsync.group.user_added",
  "dsync.group.user_removed",
  "dsync.token.created",
  "dsync.token.revoked",
  "connector.sync.completed",
  "connector.sync.failed",
] as const;

export type RosterEventType = (typeof ROSTER_EVENT_TYPES)[number];

/**
 * An event as a webhook delivers it: `{ id, event, data, created_at }`. `id` is also the
 * `webhook-id` header and a cursor for `GET /events?after=`, so a consumer can switch between
 * webhooks and polling without losing its place.
 */
export interface WebhookEvent {
  readonly id: string;
  /** `webhook.test` only from `webhookEndpoints.test` (`roster webhooks test`): never in the event feed. */
  readonly event: RosterEventType | "webhook.test";
  /** The object the event is about (a directory_user, a directory_group, `{ user, group }`, …). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly created_at: string;
}

/** An event as `GET /events` lists it: the webhook payload plus `object`. */
export interface RosterEvent extends WebhookEvent {
  readonly object: "event";
  readonly event: RosterEventType;
}

/** One event type as `GET /events/types` lists it: what it means and the JSON Schema of its `data`. */
export interface RosterEventTypeInfo {
  readonly object: "event_type";
  readonly event: RosterEventType;
  readonly description: string;
  readonly data_schema: Readonly<Record<string, unknown>>;
}
