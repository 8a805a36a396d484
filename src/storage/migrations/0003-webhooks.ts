import type { Kysely } from "kysely";

/**
 * Webhook endpoints, one delivery per (endpoint, event), and one row per attempt.
 * Event sequence numbers are `bigint`: the events sequence is bigserial on PostgreSQL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    // Null: a global endpoint (admin only), receiving every organization's events.
    .addColumn("organization_id", "text", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("secret_sealed", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("disabled_reason", "text")
    .addColumn("disabled_at", "text")
    // The last event sequence number the dispatcher has turned into deliveries for this endpoint.
    .addColumn("cursor_seq", "bigint", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_endpoints_org")
    .on("webhook_endpoints")
    .columns(["organization_id", "id"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("endpoint_id", "text", (c) => c.notNull().references("webhook_endpoints.id").onDelete("cascade"))
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event_seq", "bigint", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("attempt_count", "integer", (c) => c.notNull())
    .addColumn("failures", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("give_up_at", "text")
    .addColumn("locked_until", "text")
    .addColumn("claim_token", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("delivered_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // One delivery per event per endpoint, even when two dispatchers race.
  await db.schema
    .createIndex("webhook_deliveries_endpoint_seq")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "event_seq"])
    .unique()
    .execute();
  // The head of an endpoint's queue: its pending delivery with the lowest event sequence.
  await db.schema
    .createIndex("webhook_deliveries_head")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "state", "event_seq"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint_id")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "id"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id").onDelete("cascade"))
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("latency_ms", "real", (c) => c.notNull())
    .addColumn("response_excerpt", "text")
    .addColumn("error", "text")
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_attempts_delivery")
    .on("webhook_attempts")
    .columns(["delivery_id", "attempt"])
    .execute();
}
