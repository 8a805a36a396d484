import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../capabilities.js";

/** The columns this migration reads and writes, as they are while it runs. */
type Tables = {
  events: { seq: number; xact_id: string | null; feed_pos: string };
  webhook_endpoints: { id: string; cursor_seq: number; cursor_pos: string };
  webhook_deliveries: { event_seq: number; event_pos: string };
};

/**
 * The event feed orders by `events.feed_pos` instead of `seq` (on PostgreSQL `seq`
 * order is not commit order, and a cursor on it skipped a younger writer's lower `seq`). The
 * webhook cursors and queues follow: `cursor_seq` becomes `cursor_pos`, `event_seq` `event_pos`.
 */
export async function up(db: Kysely<unknown>, caps: StorageCapabilities): Promise<void> {
  const { expression, stored } = caps.eventFeedPosition;
  await db.schema
    .alterTable("events")
    .addColumn("feed_pos", caps.feedPositionType, (c) =>
      stored ? c.generatedAlwaysAs(expression).stored().notNull() : c.generatedAlwaysAs(expression),
    )
    .execute();
  await db.schema.createIndex("events_feed_pos").on("events").column("feed_pos").unique().execute();
  await db.schema.createIndex("events_org_pos").on("events").columns(["organization_id", "feed_pos"]).execute();
  await db.schema.createIndex("events_type_pos").on("events").columns(["event", "feed_pos"]).execute();
  await db.schema.dropIndex("events_org_seq").execute();
  await db.schema.dropIndex("events_type_seq").execute();

  const tables = db.withTables<Tables>();
  await migrateEndpointCursors(tables, caps);

  // '' is below every position; deliveries of an event that no longer exists keep it.
  await db.schema
    .alterTable("webhook_deliveries")
    .addColumn("event_pos", caps.feedPositionType, (c) => c.notNull().defaultTo(""))
    .execute();
  await tables
    .updateTable("webhook_deliveries")
    .set((eb) => ({
      event_pos: eb.fn.coalesce(
        eb.selectFrom("events").select("events.feed_pos").whereRef("events.seq", "=", "webhook_deliveries.event_seq"),
        eb.val(""),
      ),
    }))
    .execute();
  await db.schema.dropIndex("webhook_deliveries_endpoint_seq").execute();
  await db.schema.dropIndex("webhook_deliveries_head").execute();
  await db.schema.alterTable("webhook_deliveries").dropColumn("event_seq").execute();
  // One delivery per event per endpoint, even when two dispatchers race.
  await db.schema
    .createIndex("webhook_deliveries_endpoint_event")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "event_id"])
    .unique()
    .execute();
  // The head of an endpoint's queue: its pending delivery earliest in the feed.
  await db.schema
    .createIndex("webhook_deliveries_head")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "state", "event_pos"])
    .execute();
}

/**
 * An endpoint's `cursor_seq` N said: events up to N were fanned out. The new cursor is the last
 * settled position before the first event above N, so nothing above N is skipped. Settled
 * events after it with a `seq` up to N (the ones the old order interleaved) are fanned out
 * again, and the unique (endpoint, event) index drops the deliveries they already have.
 */
async function migrateEndpointCursors(db: Kysely<Tables>, caps: StorageCapabilities): Promise<void> {
  // '' is below every position: a cursor at the very start.
  await db.schema
    .alterTable("webhook_endpoints")
    .addColumn("cursor_pos", caps.feedPositionType, (c) => c.notNull().defaultTo(""))
    .execute();
  const endpoints = await db.selectFrom("webhook_endpoints").select(["id", "cursor_seq"]).execute();
  for (const endpoint of endpoints) {
    const next = await db
      .selectFrom("events")
      .select((eb) => eb.fn.min("feed_pos").as("pos"))
      .where("seq", ">", endpoint.cursor_seq)
      .executeTakeFirst();
    let last = db.selectFrom("events").select((eb) => eb.fn.max("feed_pos").as("pos"));
    if (caps.eventsSettled) last = last.where(caps.eventsSettled);
    if (next?.pos) last = last.where("feed_pos", "<", next.pos);
    const cursor = (await last.executeTakeFirst())?.pos ?? "";
    await db.updateTable("webhook_endpoints").set({ cursor_pos: cursor }).where("id", "=", endpoint.id).execute();
  }
  await db.schema.alterTable("webhook_endpoints").dropColumn("cursor_seq").execute();
}
