import type { EventType } from "../directory/outbox.js";

/** Every event type Roster writes, as values: what `GET /events?events=` accepts. */
export const EVENT_TYPES = [
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
] as const satisfies readonly EventType[];

// Fails to compile when the outbox gains a type this list lacks: a filter could never ask for it.
type MustBeNever<T extends never> = T;
export type UnlistedEventTypes = MustBeNever<Exclude<EventType, (typeof EVENT_TYPES)[number]>>;
