import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database, EventRow } from "../storage/schema.js";

export interface EventFeedFilter {
  /** Serve events past this feed position ('' or absent: from the start). */
  readonly after?: string | undefined;
  /** Serve events before this feed position (reading newest first). */
  readonly before?: string | undefined;
  /** `asc` (default): oldest first, what polling and delivery read; `desc`: newest first. */
  readonly order?: "asc" | "desc" | undefined;
  readonly limit: number;
  readonly types?: readonly string[] | undefined;
  readonly organizationId?: string | undefined;
  readonly rangeStart?: string | undefined;
  readonly rangeEnd?: string | undefined;
}

/**
 * Committed events in feed order (`feed_pos`), never skipping one: on PostgreSQL an
 * event is served only once its writer is older than every running transaction, and the order
 * puts the writer's xid before `seq`, so whatever commits later lands after everything served.
 * A cursor is the position of the last event read. The events API and the webhook dispatcher
 * both read through here.
 */
export async function readSettledEvents(
  db: Kysely<Database>,
  caps: StorageCapabilities,
  filter: EventFeedFilter,
): Promise<EventRow[]> {
  let query = db.selectFrom("events").selectAll();
  if (filter.after) query = query.where("feed_pos", ">", filter.after);
  if (filter.before !== undefined) query = query.where("feed_pos", "<", filter.before);
  if (caps.eventsSettled) query = query.where(caps.eventsSettled);
  if (filter.types && filter.types.length > 0) query = query.where("event", "in", [...filter.types]);
  if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
  if (filter.rangeStart) query = query.where("created_at", ">=", filter.rangeStart);
  if (filter.rangeEnd) query = query.where("created_at", "<", filter.rangeEnd);
  return query
    .orderBy("feed_pos", filter.order ?? "asc")
    .limit(filter.limit)
    .execute();
}
