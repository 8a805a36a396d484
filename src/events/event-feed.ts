import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database, EventRow } from "../storage/schema.js";

export interface EventFeedFilter {
  /** Serve events with a sequence above this one. */
  readonly afterSeq: number;
  /** Serve events with a sequence below this one (reading newest first). */
  readonly beforeSeq?: number | undefined;
  /** `asc` (default): oldest first, what polling and delivery read; `desc`: newest first. */
  readonly order?: "asc" | "desc" | undefined;
  readonly limit: number;
  readonly types?: readonly string[] | undefined;
  readonly organizationId?: string | undefined;
  readonly rangeStart?: string | undefined;
  readonly rangeEnd?: string | undefined;
}

/**
 * Committed events in sequence order, never skipping one: on PostgreSQL an event is served only
 * once no transaction that could still commit a lower sequence number is running (SPEC §5).
 * The events API and the webhook worker both read through here.
 * Known gap (docs/api.md, "Known issue"): a writer with an older xid but a higher `seq` can be
 * served before a younger writer's lower `seq` commits; the cursor must become (xact_id, seq).
 */
export async function readSettledEvents(db: Kysely<Database>, caps: StorageCapabilities, filter: EventFeedFilter): Promise<EventRow[]> {
  let query = db.selectFrom("events").selectAll().where("seq", ">", filter.afterSeq);
  if (filter.beforeSeq !== undefined) query = query.where("seq", "<", filter.beforeSeq);
  if (caps.eventsSettled) query = query.where(caps.eventsSettled);
  if (filter.types && filter.types.length > 0) query = query.where("event", "in", [...filter.types]);
  if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
  if (filter.rangeStart) query = query.where("created_at", ">=", filter.rangeStart);
  if (filter.rangeEnd) query = query.where("created_at", "<", filter.rangeEnd);
  return query.orderBy("seq", filter.order ?? "asc").limit(filter.limit).execute();
}
