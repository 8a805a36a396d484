import type { Insertable, Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import { readSettledEvents } from "../events/event-feed.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database, EventRow, WebhookDeliveriesTable } from "../storage/schema.js";

export interface DispatchDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

export const DISPATCH_BATCH = 500;
// Rows per INSERT: well under SQLite's bound-parameter limit.
const INSERT_CHUNK = 200;

interface EndpointCursor {
  readonly id: string;
  readonly organization_id: string | null;
  readonly events: string;
  readonly cursor_pos: string;
}

function matcher(endpoint: EndpointCursor): (event: EventRow) => boolean {
  const types = new Set(JSON.parse(endpoint.events) as string[]);
  const cursor = endpoint.cursor_pos;
  // Fixed-width digits: comparing the strings compares the positions.
  return (event) =>
    event.feed_pos > cursor &&
    (types.size === 0 || types.has(event.event)) &&
    (endpoint.organization_id === null || event.organization_id === endpoint.organization_id);
}

/**
 * Turns new events into deliveries (the fan-out half of the outbox), one batch per call:
 * events come from `readSettledEvents`, so none is ever skipped on PostgreSQL; each endpoint's
 * cursor (a feed position) moves in the same transaction as the deliveries it created. Endpoint
 * rows are locked with SKIP LOCKED so concurrent workers split the endpoints instead of doubling them, and the
 * unique (endpoint, event) index is the last guard. Disabled endpoints keep their cursor:
 * re-enabled, they get what happened meanwhile. Returns how many events the batch read.
 */
export async function dispatchEvents(deps: DispatchDeps): Promise<number> {
  const { db, caps } = deps;
  // Cheap look without locks first, so an idle worker writes nothing.
  const lowest = await db
    .selectFrom("webhook_endpoints")
    .select((eb) => eb.fn.min("cursor_pos").as("pos"))
    .where("enabled", "=", 1)
    .executeTakeFirst();
  if (lowest?.pos === null || lowest?.pos === undefined) return 0;
  if ((await readSettledEvents(db, caps, { after: lowest.pos, limit: 1 })).length === 0) return 0;

  return db.transaction().execute(async (trx) => {
    const endpoints = await caps
      .lockSkippingLocked(
        trx
          .selectFrom("webhook_endpoints")
          .select(["id", "organization_id", "events", "cursor_pos"])
          .where("enabled", "=", 1)
          .orderBy("id"),
      )
      .execute();
    if (endpoints.length === 0) return 0;
    const from = endpoints.reduce(
      // biome-ignore lint/complexity/useMathMinMax: cursor positions are strings
      (low, e) => (e.cursor_pos < low ? e.cursor_pos : low),
      endpoints[0]?.cursor_pos ?? "",
    );
    const events = await readSettledEvents(trx, caps, { after: from, limit: DISPATCH_BATCH });
    const last = events.at(-1)?.feed_pos;
    if (last === undefined) return 0;

    const now = deps.clock.now().toISOString();
    const rows: Insertable<WebhookDeliveriesTable>[] = [];
    for (const endpoint of endpoints) {
      const wanted = matcher(endpoint);
      for (const event of events) {
        if (!wanted(event)) continue;
        rows.push({
          id: deps.ids("delivery"),
          endpoint_id: endpoint.id,
          event_id: event.id,
          event_pos: event.feed_pos,
          event_type: event.event,
          state: "pending",
          attempt_count: 0,
          failures: 0,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        });
      }
    }
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto("webhook_deliveries")
        .values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.columns(["endpoint_id", "event_id"]).doNothing())
        .execute();
    }
    await trx
      .updateTable("webhook_endpoints")
      .set({ cursor_pos: last })
      .where(
        "id",
        "in",
        endpoints.map((e) => e.id),
      )
      .where("cursor_pos", "<", last)
      .execute();
    return events.length;
  });
}

/**
 * Whether events past the lowest enabled cursor are committed but not served yet (PostgreSQL:
 * an older transaction still runs). After a dispatch that read nothing, the worker then looks
 * again soon instead of at its next poll: the commit that woke it came too early.
 */
export async function eventsHeldBack(deps: Pick<DispatchDeps, "db" | "caps">): Promise<boolean> {
  if (!deps.caps.eventsSettled) return false;
  const lowest = await deps.db
    .selectFrom("webhook_endpoints")
    .select((eb) => eb.fn.min("cursor_pos").as("pos"))
    .where("enabled", "=", 1)
    .executeTakeFirst();
  if (lowest?.pos === null || lowest?.pos === undefined) return false;
  return (
    (await deps.db
      .selectFrom("events")
      .select("seq")
      .where("feed_pos", ">", lowest.pos)
      .limit(1)
      .executeTakeFirst()) !== undefined
  );
}
