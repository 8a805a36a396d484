import { type Kysely, Migrator } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { systemClock } from "../../core/clock.js";
import { createIdGenerator } from "../../core/ids.js";
import { dispatchEvents } from "../../webhooks/dispatcher.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import { migrationsFor } from "./index.js";

/** The webhook and event columns as 0004 left them. */
type Before = {
  events: {
    seq: number;
    id: string;
    event: string;
    organization_id: null;
    directory_id: null;
    data: string;
    created_at: string;
    xact_id?: string;
  };
  webhook_endpoints: {
    id: string;
    organization_id: null;
    url: string;
    events: string;
    secret_sealed: string;
    enabled: number;
    cursor_seq: number;
    created_at: string;
    updated_at: string;
  };
  webhook_deliveries: {
    id: string;
    endpoint_id: string;
    event_id: string;
    event_seq: number;
    event_type: string;
    state: string;
    attempt_count: number;
    failures: number;
    next_attempt_at: string;
    created_at: string;
    updated_at: string;
  };
};

const AT = "2026-01-01T00:00:00.000Z";
// Seq 2 was drawn by a younger writer than seq 3's (the interleaving the event feed must survive), on PostgreSQL.
const XIDS = ["10", "12", "11", "13", "14"];

describe.each(DIALECTS)("migration 0005 (event feed order) on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  afterEach(async () => {
    await storage?.close();
    await database?.drop();
  });

  async function at0004WithData(): Promise<Kysely<Before>> {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    const migrations = migrationsFor(storage.caps);
    const result = await new Migrator({
      db: storage.db,
      provider: { getMigrations: async () => migrations },
    }).migrateTo("0004-user-api-indexes");
    expect(result.error).toBeUndefined();
    const db = storage.db as unknown as Kysely<Before>;
    for (const [i, xid] of XIDS.entries()) {
      const seq = i + 1;
      const event = {
        seq,
        id: `event_${seq}`,
        event: "dsync.user.created",
        organization_id: null,
        directory_id: null,
        data: "{}",
        created_at: AT,
      };
      await db
        .insertInto("events")
        .values(storage.caps.xactIdDefault ? { ...event, xact_id: xid } : event)
        .execute();
    }
    const endpoint = (id: string, cursor: number) => ({
      id,
      organization_id: null,
      url: "http://127.0.0.1:9/",
      events: "[]",
      secret_sealed: "x",
      enabled: 1,
      cursor_seq: cursor,
      created_at: AT,
      updated_at: AT,
    });
    await db
      .insertInto("webhook_endpoints")
      .values([endpoint("we_start", 0), endpoint("we_seq1", 1), endpoint("we_seq3", 3), endpoint("we_all", 5)])
      .execute();
    const delivery = (seq: number) => ({
      id: `whdel_${seq}`,
      endpoint_id: "we_seq3",
      event_id: `event_${seq}`,
      event_seq: seq,
      event_type: "dsync.user.created",
      state: "succeeded",
      attempt_count: 1,
      failures: 0,
      next_attempt_at: AT,
      created_at: AT,
      updated_at: AT,
    });
    await db
      .insertInto("webhook_deliveries")
      .values([delivery(1), delivery(2), delivery(3)])
      .execute();
    return db;
  }

  it("keeps every endpoint's place: nothing past its old cursor is skipped, nothing it had is sent twice", async () => {
    await at0004WithData();
    expect(await migrateToLatest(storage)).toContain("0005-event-feed-order");
    const { db } = storage;

    const feed = (await db.selectFrom("events").select(["id", "feed_pos"]).orderBy("feed_pos").execute()).map(
      (e) => e.id,
    );
    const interleaved = dialect === "postgres";
    expect(feed).toEqual(
      interleaved
        ? ["event_1", "event_3", "event_2", "event_4", "event_5"]
        : ["event_1", "event_2", "event_3", "event_4", "event_5"],
    );
    const positions = new Map(
      (await db.selectFrom("events").select(["id", "feed_pos"]).execute()).map((e) => [e.id, e.feed_pos]),
    );
    const migrated = await db
      .selectFrom("webhook_deliveries")
      .select(["event_id", "event_pos"])
      .orderBy("event_pos")
      .execute();
    expect(migrated).toEqual(
      ["event_1", interleaved ? "event_3" : "event_2", interleaved ? "event_2" : "event_3"].map((id) => ({
        event_id: id,
        event_pos: positions.get(id),
      })),
    );

    await dispatchEvents({ db, caps: storage.caps, clock: systemClock, ids: createIdGenerator() });
    const sent = async (endpoint: string) =>
      (
        await db
          .selectFrom("webhook_deliveries")
          .select("event_id")
          .where("endpoint_id", "=", endpoint)
          .orderBy("event_pos")
          .execute()
      ).map((d) => d.event_id);
    expect(await sent("we_start")).toEqual(feed);
    expect(await sent("we_seq1")).toEqual(feed.slice(1));
    expect(await sent("we_seq3")).toEqual(feed);
    expect(await sent("we_all")).toEqual([]);
  });
});
