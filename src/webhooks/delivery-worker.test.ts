import { WorkOS } from "@workos-inc/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { openStorage } from "../storage/connect.js";
import { RETRY_WINDOW_MS } from "./backoff.js";
import { createDeliveryWorker, type DeliveryWorker, type WorkerLog } from "./delivery-worker.js";
import {
  settleEvents,
  type TestReceiver,
  startTestReceiver,
  verifyStandardSignature,
  verifyWorkosSignature,
  waitUntil,
} from "./webhook-test-support.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const silent: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(DIALECTS)("webhook delivery worker on %s", (dialect) => {
  let t: TestApp;
  let receiver: TestReceiver;
  let worker: DeliveryWorker;
  let dir: ScimDirectory;
  let userCount = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    receiver = await startTestReceiver();
    const keyring = createSecretKeyring({ secretKey: SECRET_KEY, database: t.config.database, warn: () => undefined });
    // random = 0.5: the jitter factor is exactly 1, so delays are 5 s, 10 s, 20 s…
    worker = createDeliveryWorker({ ...t.deps, keyring, log: silent }, { random: () => 0.5 });
    dir = await createScimDirectory(t.app);
  });
  afterEach(() => {
    receiver.respond = () => 200;
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  async function createEndpoint(path: string, extra: object = {}): Promise<{ id: string; secret: string }> {
    const res = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: `${receiver.url}${path}`, organization_id: dir.orgId, ...extra },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  /** One SCIM change: one dsync.user.created event, served by the feed. Returns the event id. */
  async function createUser(): Promise<string> {
    userCount += 1;
    const res = await scimClient(t.app, dir)("POST", "/Users", {
      schemas: [SCHEMA.user],
      userName: `user${userCount}@example.com`,
    });
    expect(res.statusCode).toBe(201);
    await settleEvents(t.storage);
    const event = await t.storage.db
      .selectFrom("events")
      .select("id")
      .orderBy("feed_pos", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    return event.id;
  }

  /** Runs the worker until nothing is due now (bounded). */
  async function drain(): Promise<void> {
    // Events written by other requests than createUser's (a group) must be served first.
    await settleEvents(t.storage);
    for (let i = 0; i < 50; i++) if ((await worker.runOnce()) === 0) return;
    throw new Error("the worker never ran out of due work");
  }

  const receiptsAt = (path: string) => receiver.receipts.filter((r) => r.path === path);
  const okIdsAt = (path: string) =>
    receiptsAt(path)
      .filter((r) => r.status === 200)
      .map((r) => r.webhookId);
  const deliveriesOf = async (endpointId: string) =>
    (
      await t.app.inject({
        method: "GET",
        url: `/webhook_endpoints/${endpointId}/deliveries?order=asc&limit=100`,
        headers: bearer(ADMIN_KEY),
      })
    ).json();

  it("signs a real delivery with both Standard Webhooks and WorkOS-Signature", async () => {
    const endpoint = await createEndpoint("/signed");
    const eventId = await createUser();
    await drain();

    const [receipt] = receiptsAt("/signed");
    if (!receipt) throw new Error("nothing received");
    const body = JSON.parse(receipt.body);
    expect(body).toMatchObject({ id: eventId, event: "dsync.user.created", data: { object: "directory_user" } });
    expect(Object.keys(body)).toEqual(["id", "event", "data", "created_at"]);
    expect(receipt.headers["content-type"]).toBe("application/json");
    expect(receipt.webhookId).toBe(eventId);
    expect(receipt.headers["webhook-timestamp"]).toBe(String(Math.floor(t.clock.now().getTime() / 1000)));
    expect(verifyStandardSignature(endpoint.secret, receipt.headers, receipt.body)).toBe(true);
    expect(verifyStandardSignature(endpoint.secret, receipt.headers, `${receipt.body} `)).toBe(false);

    const workos = verifyWorkosSignature(endpoint.secret, String(receipt.headers["workos-signature"]), body);
    expect(workos.ok).toBe(true);
    expect(workos.timestampMs).toBe(t.clock.now().getTime());
    expect(String(receipt.headers["workos-signature"])).toMatch(/^t=\d{13}, v1=[0-9a-f]{64}$/);
    // The WorkOS SDK itself; the tolerance is wide only because the test clock is not today.
    const sdk = new WorkOS("sk_test_offline").webhooks;
    const verified = await sdk.constructEvent({
      payload: body,
      sigHeader: String(receipt.headers["workos-signature"]),
      secret: endpoint.secret,
      tolerance: Number.MAX_SAFE_INTEGER,
    });
    expect(verified).toMatchObject({ id: eventId, event: "dsync.user.created" });
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("retries after 500s with exponential backoff, then succeeds, logging every attempt", async () => {
    const endpoint = await createEndpoint("/flaky");
    receiver.respond = (_path, seen) => (seen < 2 ? 500 : 200);
    const eventId = await createUser();

    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0); // not due before its backoff
    t.clock.advance(4_999);
    expect(await worker.runOnce()).toBe(0);
    t.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);
    t.clock.advance(9_999);
    expect(await worker.runOnce()).toBe(0);
    t.clock.advance(1);
    expect(await worker.runOnce()).toBe(1);

    expect(receiptsAt("/flaky").map((r) => [r.webhookId, r.status])).toEqual([
      [eventId, 500],
      [eventId, 500],
      [eventId, 200],
    ]);
    const [delivery] = (await deliveriesOf(endpoint.id)).data;
    expect(delivery).toMatchObject({
      object: "webhook_delivery",
      event_id: eventId,
      event: "dsync.user.created",
      state: "succeeded",
      attempt_count: 3,
      next_attempt_at: null,
    });
    expect(
      delivery.attempts.map((a: { attempt: number; status_code: number; error: string | null }) => [
        a.attempt,
        a.status_code,
        a.error,
      ]),
    ).toEqual([
      [1, 500, "HTTP 500"],
      [2, 500, "HTTP 500"],
      [3, 200, null],
    ]);
    expect(delivery.attempts[0].response_excerpt).toBe("failing with 500");
    expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(0);
    expect(Date.parse(delivery.attempts[1].started_at) - Date.parse(delivery.attempts[0].started_at)).toBe(5_000);
    expect(Date.parse(delivery.attempts[2].started_at) - Date.parse(delivery.attempts[1].started_at)).toBe(10_000);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("holds later events behind a failing one for that endpoint only", async () => {
    const failing = await createEndpoint("/down");
    const healthy = await createEndpoint("/up");
    receiver.respond = (path) => (path === "/down" ? 503 : 200);
    const events = [await createUser(), await createUser(), await createUser()];
    await drain();

    expect(okIdsAt("/up")).toEqual(events);
    // Only the first event was tried on the failing endpoint; the rest wait behind it.
    expect(receiptsAt("/down").map((r) => r.webhookId)).toEqual([events[0]]);

    receiver.respond = () => 200;
    t.clock.advance(5_000);
    await drain();
    expect(okIdsAt("/down")).toEqual(events);
    expect(okIdsAt("/up")).toEqual(events);
    for (const id of [failing.id, healthy.id])
      await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${id}`, headers: bearer(ADMIN_KEY) });
  });

  it("disables the endpoint after ~3 days of failures, saying why; re-enabling delivers the rest in order", async () => {
    const endpoint = await createEndpoint("/dead");
    receiver.respond = () => 500;
    const first = await createUser();
    const second = await createUser();
    const start = t.clock.now().getTime();

    let rounds = 0;
    for (; rounds < 100; rounds++) {
      await worker.runOnce();
      const row = await t.storage.db
        .selectFrom("webhook_deliveries")
        .selectAll()
        .where("endpoint_id", "=", endpoint.id)
        .where("event_id", "=", first)
        .executeTakeFirstOrThrow();
      if (row.state !== "pending") break;
      t.clock.advance(Math.max(0, Date.parse(row.next_attempt_at) - t.clock.now().getTime()));
    }
    const got = (
      await t.app.inject({ method: "GET", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) })
    ).json();
    expect(got.enabled).toBe(false);
    expect(got.disabled_reason).toMatch(/after \d+ failed attempts over 3 days; last error: HTTP 500/);
    const elapsed = t.clock.now().getTime() - start;
    expect(elapsed).toBeGreaterThan(RETRY_WINDOW_MS * 0.9);
    expect(elapsed).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    expect(rounds).toBeGreaterThan(15);
    expect(rounds).toBeLessThan(40);
    expect(receiptsAt("/dead").every((r) => r.webhookId === first)).toBe(true);

    const log = await deliveriesOf(endpoint.id);
    expect(log.data.map((d: { event_id: string; state: string }) => [d.event_id, d.state])).toEqual([
      [first, "failed"],
      [second, "pending"],
    ]);
    // A disabled endpoint gets nothing, even when its deliveries are due.
    t.clock.advance(RETRY_WINDOW_MS);
    expect(await worker.runOnce()).toBe(0);

    const refused = await t.app.inject({
      method: "POST",
      url: `/webhook_endpoints/${endpoint.id}/deliveries/${log.data[0].id}/retry`,
      headers: bearer(ADMIN_KEY),
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe("endpoint_disabled");

    receiver.respond = () => 200;
    const enabled = await t.app.inject({
      method: "PATCH",
      url: `/webhook_endpoints/${endpoint.id}`,
      headers: bearer(ADMIN_KEY),
      payload: { enabled: true },
    });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });
    await drain();
    expect(okIdsAt("/dead")).toEqual([first, second]);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("sends an endpoint's queue as one run, in order, with one attempt logged for each", async () => {
    const endpoint = await createEndpoint("/run");
    const events = [await createUser(), await createUser(), await createUser(), await createUser()];
    expect(await worker.runOnce()).toBe(4);
    expect(okIdsAt("/run")).toEqual(events);
    const log = await deliveriesOf(endpoint.id);
    expect(log.data.map((d: { state: string; attempts: unknown[] }) => [d.state, d.attempts.length])).toEqual(
      events.map(() => ["succeeded", 1]),
    );
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("stops a run at the first failure and gives the rest back, unleased, behind it", async () => {
    const endpoint = await createEndpoint("/midway");
    receiver.respond = (_path, seen) => (seen === 1 ? 500 : 200);
    const events = [await createUser(), await createUser(), await createUser()];
    expect(await worker.runOnce()).toBe(2);
    expect(receiptsAt("/midway").map((r) => [r.webhookId, r.status])).toEqual([
      [events[0], 200],
      [events[1], 500],
    ]);
    const rows = await t.storage.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("endpoint_id", "=", endpoint.id)
      .orderBy("event_pos")
      .execute();
    expect(rows.map((r) => [r.state, r.attempt_count, r.locked_until, r.claim_token])).toEqual([
      ["succeeded", 1, null, null],
      ["pending", 1, null, null],
      ["pending", 0, null, null],
    ]);
    expect(await worker.runOnce()).toBe(0); // the failed one is not due yet, and the third waits behind it
    t.clock.advance(5_000);
    await drain();
    expect(okIdsAt("/midway")).toEqual(events);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("wakes on a commit that wrote events instead of waiting for its poll", async () => {
    await createEndpoint("/prompt");
    const keyring = createSecretKeyring({ secretKey: SECRET_KEY, database: t.config.database, warn: () => undefined });
    const running = createDeliveryWorker(
      { ...t.deps, keyring, log: silent, eventWrites: t.storage.eventWrites },
      { pollIntervalMs: 60_000 },
    ).start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50)); // its first pass is over: it naps for a minute
      const eventId = await createUser();
      await waitUntil(() => okIdsAt("/prompt").length > 0, "the delivery", 5_000);
      expect(okIdsAt("/prompt")).toEqual([eventId]);
    } finally {
      await running.stop();
    }
  });

  it.runIf(dialect === "postgres")(
    "a worker on connections of its own (roster worker) wakes on the server's commits, through LISTEN",
    async () => {
      await createEndpoint("/elsewhere");
      const keyring = createSecretKeyring({
        secretKey: SECRET_KEY,
        database: t.config.database,
        warn: () => undefined,
      });
      const elsewhere = openStorage(t.config.database);
      const running = createDeliveryWorker(
        { ...t.deps, db: elsewhere.db, keyring, log: silent, eventWrites: elsewhere.eventWrites },
        { pollIntervalMs: 60_000 },
      ).start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 500)); // listening, and its first passes are over: it naps for a minute
        const eventId = await createUser();
        await waitUntil(() => okIdsAt("/elsewhere").length > 0, "the delivery", 5_000);
        expect(okIdsAt("/elsewhere")).toEqual([eventId]);
      } finally {
        await running.stop();
        await elsewhere.close();
      }
    },
  );

  it("replays a delivered event on request, with the same webhook-id", async () => {
    const endpoint = await createEndpoint("/replay");
    const eventId = await createUser();
    await drain();
    const [delivery] = (await deliveriesOf(endpoint.id)).data;
    expect(delivery.state).toBe("succeeded");

    const retried = await t.app.inject({
      method: "POST",
      url: `/webhook_endpoints/${endpoint.id}/deliveries/${delivery.id}/retry`,
      headers: bearer(ADMIN_KEY),
    });
    expect(retried.statusCode).toBe(202);
    expect(retried.json()).toMatchObject({
      id: delivery.id,
      state: "pending",
      next_attempt_at: t.clock.now().toISOString(),
    });
    await drain();
    expect(okIdsAt("/replay")).toEqual([eventId, eventId]);
    const after = await t.app.inject({
      method: "GET",
      url: `/webhook_endpoints/${endpoint.id}/deliveries/${delivery.id}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(after.json()).toMatchObject({ state: "succeeded", attempt_count: 2 });
    expect(after.json().attempts).toHaveLength(2);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("keeps at most 1 KiB of a receiver's answer, cut on a character boundary", async () => {
    const endpoint = await createEndpoint("/chatty");
    receiver.respond = () => ({ status: 500, body: "é".repeat(5_000) });
    await createUser();
    await drain();
    const [delivery] = (await deliveriesOf(endpoint.id)).data;
    const excerpt: string = delivery.attempts[0].response_excerpt;
    expect(Buffer.byteLength(excerpt)).toBe(1024);
    expect(excerpt).toBe("é".repeat(512));
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("sends only the event types an endpoint asked for", async () => {
    const endpoint = await createEndpoint("/groups-only", { events: ["dsync.group.created"] });
    await createUser();
    const group = await scimClient(t.app, dir)("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Admins" });
    expect(group.statusCode).toBe(201);
    await drain();
    expect(receiptsAt("/groups-only").map((r) => JSON.parse(r.body).event)).toEqual(["dsync.group.created"]);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });

  it("stops promptly mid-request; the cut attempt is logged as interrupted and sent again, not held against the receiver", async () => {
    const endpoint = await createEndpoint("/hang");
    receiver.respond = () => null;
    const eventId = await createUser();
    const running = worker.start();
    await waitUntil(() => receiptsAt("/hang").length > 0, "the request to arrive");
    const stopping = Date.now();
    await running.stop();
    expect(Date.now() - stopping).toBeLessThan(2_000);

    const [delivery] = (await deliveriesOf(endpoint.id)).data;
    expect(delivery).toMatchObject({
      state: "pending",
      attempt_count: 1,
      next_attempt_at: t.clock.now().toISOString(),
    });
    expect(delivery.attempts[0]).toMatchObject({ status_code: null, error: "interrupted: the worker shut down" });
    const row = await t.storage.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("id", "=", delivery.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ failures: 0, give_up_at: null, locked_until: null, claim_token: null });

    receiver.respond = () => 200;
    await drain();
    expect(okIdsAt("/hang")).toEqual([eventId]);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${endpoint.id}`, headers: bearer(ADMIN_KEY) });
  });
});
