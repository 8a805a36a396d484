import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { raceOlderXidPastLowerSeq } from "../../test/support/xid-race.js";
import { type Clock, systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { appendEvents, type EventDraft } from "../directory/outbox.js";
import { openStorage, type Storage } from "../storage/connect.js";
import { createDeliveryWorker, type DeliveryWorkerOptions, type WorkerLog } from "./delivery-worker.js";
import { eventsHeldBack } from "./dispatcher.js";
import { type TestReceiver, startTestReceiver, waitUntil } from "./webhook-test-support.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const silent: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Time running `factor` times faster than the wall clock: backoffs of seconds pass in milliseconds. */
function fastClock(factor: number): Clock {
  const origin = Date.now();
  return { now: () => new Date(origin + (Date.now() - origin) * factor) };
}

interface Fixture {
  readonly t: TestApp;
  readonly dir: ScimDirectory;
  readonly receiver: TestReceiver;
}

async function setUp(dialect: "sqlite" | "postgres"): Promise<Fixture> {
  const t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
  return { t, dir: await createScimDirectory(t.app), receiver: await startTestReceiver() };
}

async function createEndpoint(f: Fixture, path: string): Promise<{ id: string; cursor: string }> {
  const res = await f.t.app.inject({
    method: "POST",
    url: "/webhook_endpoints",
    headers: bearer(ADMIN_KEY),
    payload: { url: `${f.receiver.url}${path}`, organization_id: f.dir.orgId },
  });
  expect(res.statusCode, res.body).toBe(201);
  const row = await f.t.storage.db
    .selectFrom("webhook_endpoints")
    .select("cursor_pos")
    .where("id", "=", res.json().id)
    .executeTakeFirstOrThrow();
  return { id: res.json().id, cursor: row.cursor_pos };
}

let users = 0;
async function createUsers(f: Fixture, count: number): Promise<void> {
  const scim = scimClient(f.t.app, f.dir);
  for (let i = 0; i < count; i++) {
    users += 1;
    expect(
      (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `stream${users}@example.com` })).statusCode,
    ).toBe(201);
  }
}

/** The organization's event ids after `cursor`, in feed order: what an endpoint must receive. */
async function expectedIds(f: Fixture, cursor: string): Promise<string[]> {
  const rows = await f.t.storage.db
    .selectFrom("events")
    .select("id")
    .where("organization_id", "=", f.dir.orgId)
    .where("feed_pos", ">", cursor)
    .orderBy("feed_pos")
    .execute();
  return rows.map((r) => r.id);
}

function workerOn(storage: Pick<Storage, "db" | "caps">, clock: Clock, options: DeliveryWorkerOptions) {
  const keyring = createSecretKeyring({
    secretKey: SECRET_KEY,
    database: { kind: "sqlite", file: ":memory:" },
    warn: () => undefined,
  });
  return createDeliveryWorker(
    { db: storage.db, caps: storage.caps, clock, ids: createIdGenerator(), keyring, log: silent },
    options,
  );
}

describe.each(DIALECTS)("webhook delivery reliability on %s", (dialect) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await setUp(dialect);
  });
  afterAll(async () => {
    await f?.receiver.close();
    await f?.t.close();
  });

  it("delivers every event in order, none twice, when the receiver goes away mid-stream and comes back", async () => {
    const endpoint = await createEndpoint(f, "/stream");
    // A lease far longer than any request, so the only worker never takes its own delivery twice.
    const worker = workerOn(f.t.storage, fastClock(100), { pollIntervalMs: 10, leaseMs: 24 * 3_600_000 }).start();
    try {
      await createUsers(f, 15);
      await waitUntil(() => f.receiver.receipts.length >= 5, "the first deliveries");
      await f.receiver.stop();
      await createUsers(f, 15);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await f.receiver.restart();
      await createUsers(f, 10);

      const expected = await expectedIds(f, endpoint.cursor);
      expect(expected).toHaveLength(40);
      await waitUntil(() => f.receiver.receipts.length >= expected.length, "every event", 20_000);
      await new Promise((resolve) => setTimeout(resolve, 100)); // room for a duplicate to show up
      expect(f.receiver.receipts.map((r) => r.webhookId)).toEqual(expected);
    } finally {
      await worker.stop();
    }
    const failed = await f.t.storage.db
      .selectFrom("webhook_attempts")
      .innerJoin("webhook_deliveries", "webhook_deliveries.id", "webhook_attempts.delivery_id")
      .select("webhook_attempts.error")
      .where("webhook_deliveries.endpoint_id", "=", endpoint.id)
      .where("webhook_attempts.error", "is not", null)
      .execute();
    expect(failed.length).toBeGreaterThan(0); // the outage was really met, and logged
    expect(failed.map((a) => a.error).join("\n")).toMatch(/ECONNREFUSED/);
  });
});

describe("webhook delivery on postgres with several workers", () => {
  let f: Fixture;
  const extra: Storage[] = [];
  beforeAll(async () => {
    f = await setUp("postgres");
  });
  afterAll(async () => {
    for (const s of extra) await s.close();
    await f?.receiver.close();
    await f?.t.close();
  });

  it("never sends one delivery twice when two workers share the database", async () => {
    const endpoints = [await createEndpoint(f, "/a"), await createEndpoint(f, "/b"), await createEndpoint(f, "/c")];
    const storages = [openStorage(f.t.config.database), openStorage(f.t.config.database)];
    extra.push(...storages);
    const workers = storages.map((s) => workerOn(s, systemClock, { pollIntervalMs: 5, concurrency: 2 }).start());
    try {
      await createUsers(f, 30);
      const expected = await expectedIds(f, endpoints[0]?.cursor ?? "");
      expect(expected).toHaveLength(30);
      await waitUntil(() => f.receiver.receipts.length >= expected.length * 3, "every delivery", 20_000);
      await new Promise((resolve) => setTimeout(resolve, 200)); // room for a duplicate to show up
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const expected = await expectedIds(f, endpoints[0]?.cursor ?? "");
    for (const path of ["/a", "/b", "/c"]) {
      expect(f.receiver.receipts.filter((r) => r.path === path).map((r) => r.webhookId)).toEqual(expected);
    }
  });

  it("does not skip the event of a slow transaction that drew a lower sequence number", async () => {
    const endpoint = await createEndpoint(f, "/slow");
    const worker = workerOn(f.t.storage, systemClock, {});
    const slowReceipts = () => f.receiver.receipts.filter((r) => r.path === "/slow");
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ids = createIdGenerator();
    let wroteSlow: () => void = () => {};
    const slowWritten = new Promise<void>((resolve) => {
      wroteSlow = resolve;
    });
    const slow = f.t.storage.db.transaction().execute(async (trx) => {
      await appendEvents(trx, { ids, clock: systemClock }, [
        { event: "dsync.user.updated", organizationId: f.dir.orgId, directoryId: f.dir.id, data: { slow: true } },
      ]);
      wroteSlow();
      await held;
    });
    await slowWritten;
    await createUsers(f, 1); // commits first, with a higher sequence number
    await worker.runOnce();
    expect(slowReceipts()).toHaveLength(0); // the later event waits for the slow one

    release();
    await slow;
    // Other test files' transactions can hold xmin back for a moment: run until both went out.
    for (let i = 0; i < 500 && slowReceipts().length < 2; i++) {
      if ((await worker.runOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const expected = await expectedIds(f, endpoint.cursor);
    expect(expected).toHaveLength(2);
    expect(slowReceipts().map((r) => r.webhookId)).toEqual(expected);
    expect(JSON.parse(slowReceipts()[0]?.body ?? "{}").data).toEqual({ slow: true });
  });

  it("does not skip a younger writer's lower sequence number once an older writer's higher one went out", async () => {
    await createEndpoint(f, "/interleaved");
    const worker = workerOn(f.t.storage, systemClock, {});
    const markers = () =>
      f.receiver.receipts.filter((r) => r.path === "/interleaved").map((r) => JSON.parse(r.body).data.marker);
    const draft = (marker: string): EventDraft => ({
      event: "dsync.user.updated",
      organizationId: f.dir.orgId,
      directoryId: f.dir.id,
      data: { marker },
    });
    const race = await raceOlderXidPastLowerSeq(
      f.t.storage.db,
      { ids: createIdGenerator(), clock: systemClock },
      draft("older"),
      draft("younger"),
    );
    try {
      // Other test files' transactions can hold xmin back for a moment: run until it went out.
      for (let i = 0; i < 500 && markers().length === 0; i++) {
        if ((await worker.runOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(markers()).toEqual(["older"]); // delivered while the younger writer still runs
      await race.commitYounger();
    } finally {
      await race.abandon();
    }
    for (let i = 0; i < 500 && markers().length < 2; i++) {
      if ((await worker.runOnce()) === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(markers()).toEqual(["older", "younger"]);
  });

  it("says events are held back while an older transaction runs, so a woken worker looks again soon", async () => {
    await createEndpoint(f, "/held");
    const worker = workerOn(f.t.storage, systemClock, {});
    const older = await f.t.storage.db.startTransaction().execute();
    try {
      await sql`select pg_current_xact_id()`.execute(older);
      await createUsers(f, 1); // committed, but younger than a running transaction
      await worker.runOnce();
      expect(await eventsHeldBack(f.t.storage)).toBe(true);
    } finally {
      await older.rollback().execute();
    }
    await waitUntil(async () => {
      await worker.runOnce();
      return !(await eventsHeldBack(f.t.storage));
    }, "the event to go out");
    expect(f.receiver.receipts.filter((r) => r.path === "/held")).toHaveLength(1);
  });
});
