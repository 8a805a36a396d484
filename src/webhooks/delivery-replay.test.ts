// `POST /webhook_endpoints/{id}/deliveries/replay`: an endpoint's failed (or succeeded) deliveries of a
// time range queued again, sent by the real worker to a real receiver, counted once however often asked.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { REPLAY_LIMIT } from "./delivery-replay.js";
import { createDeliveryWorker, type DeliveryWorker, type WorkerLog } from "./delivery-worker.js";
import { settleEvents, type TestReceiver, startTestReceiver } from "./webhook-test-support.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const silent: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(DIALECTS)("replaying a webhook endpoint's deliveries on %s", (dialect) => {
  let t: TestApp;
  let receiver: TestReceiver;
  let worker: DeliveryWorker;
  let dir: ScimDirectory;
  let users = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    receiver = await startTestReceiver();
    const keyring = createSecretKeyring({ secretKey: SECRET_KEY, database: t.config.database, warn: () => undefined });
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

  async function endpoint(path: string): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: `${receiver.url}${path}`, organization_id: dir.orgId },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }

  async function createUser(): Promise<void> {
    users += 1;
    const res = await scimClient(t.app, dir)("POST", "/Users", {
      schemas: [SCHEMA.user],
      userName: `replay${users}@example.com`,
    });
    expect(res.statusCode).toBe(201);
  }

  async function drain(): Promise<void> {
    await settleEvents(t.storage);
    for (let i = 0; i < 50; i++) if ((await worker.runOnce()) === 0) return;
    throw new Error("the worker never ran out of due work");
  }

  const replay = (id: string, payload: unknown, key = ADMIN_KEY) =>
    t.app.inject({
      method: "POST",
      url: `/webhook_endpoints/${id}/deliveries/replay`,
      headers: bearer(key),
      payload: payload as object,
    });
  const receivedAt = (path: string) =>
    receiver.receipts.filter((r) => r.path === path && r.status === 200).map((r) => r.webhookId);
  const rowsOf = (id: string) =>
    t.storage.db
      .selectFrom("webhook_deliveries")
      .selectAll()
      .where("endpoint_id", "=", id)
      .orderBy("event_pos")
      .execute();

  it("makes a delivery waiting on its backoff due now, and the ones queued behind it go out in order", async () => {
    const id = await endpoint("/flaky");
    receiver.respond = () => 500;
    for (let i = 0; i < 3; i++) await createUser();
    await drain();
    const waiting = await rowsOf(id);
    expect(waiting.map((r) => [r.state, r.failures])).toEqual([
      ["pending", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
    receiver.respond = () => 200;
    await drain();
    expect(receivedAt("/flaky")).toEqual([]); // still in its 5 s backoff

    const res = await replay(id, { status: "failed" });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({
      object: "webhook_replay",
      endpoint_id: id,
      replayed: 1,
      has_more: false,
      dry_run: false,
    });
    await drain();
    expect(receivedAt("/flaky")).toEqual(waiting.map((r) => r.event_id));
    expect((await replay(id, { status: "failed" })).json().replayed).toBe(0);
  });

  it("re-queues only the failed deliveries created in [since, until), once however often asked", async () => {
    const id = await endpoint("/gaveup");
    for (let i = 0; i < 4; i++) await createUser();
    await drain();
    const rows = await rowsOf(id);
    expect(rows).toHaveLength(4);
    const times = [
      "2026-03-01T10:00:00.000Z",
      "2026-03-01T11:00:00.000Z",
      "2026-03-01T12:00:00.000Z",
      "2026-03-01T13:00:00.000Z",
    ];
    // As the worker leaves a delivery whose retry window is spent (the endpoint kept enabled here).
    for (const [i, row] of rows.entries()) {
      await t.storage.db
        .updateTable("webhook_deliveries")
        .set({ state: "failed", failures: 20, give_up_at: times[i] ?? null, created_at: times[i] as string })
        .where("id", "=", row.id)
        .execute();
    }
    const before = receivedAt("/gaveup").length;

    const res = await replay(id, { status: "failed", since: "2026-03-01T11:00:00Z", until: "2026-03-01T13:00:00Z" });
    expect(res.json()).toMatchObject({ replayed: 2, has_more: false });
    expect(
      (await replay(id, { status: "failed", since: "2026-03-01T11:00:00Z", until: "2026-03-01T13:00:00Z" })).json()
        .replayed,
    ).toBe(0);
    await drain();
    expect(receivedAt("/gaveup").slice(before)).toEqual([rows[1]?.event_id, rows[2]?.event_id]);
    expect((await rowsOf(id)).map((r) => r.state)).toEqual(["failed", "succeeded", "succeeded", "failed"]);
    expect((await replay(id, { status: "failed", since: "2026-03-01" })).json().replayed).toBe(2);
  });

  it("sends succeeded deliveries again on request, with their own webhook-id, oldest first", async () => {
    const id = await endpoint("/lost");
    for (let i = 0; i < 2; i++) await createUser();
    await drain();
    const first = receivedAt("/lost");
    expect(first).toHaveLength(2);
    // A dry run counts them and sends nothing.
    const dry = await replay(id, { status: "succeeded", dry_run: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toEqual({
      object: "webhook_replay",
      endpoint_id: id,
      replayed: 0,
      has_more: false,
      dry_run: true,
      matched: 2,
    });
    expect((await replay(id, { status: "failed", dry_run: true })).json().matched).toBe(0);
    await drain();
    expect(receivedAt("/lost")).toEqual(first);
    expect((await rowsOf(id)).map((r) => r.state)).toEqual(["succeeded", "succeeded"]);
    expect((await replay(id, { status: "succeeded" })).json().replayed).toBe(2);
    await drain();
    expect(receivedAt("/lost")).toEqual([...first, ...first]);
  });

  it("re-queues at most 1,000 per request and says when more are left", async () => {
    const id = await endpoint("/many");
    const at = "2026-04-01T00:00:00.000Z";
    // Failed deliveries as the worker leaves them; their events are long gone (the worker would fail them again at once).
    const rows = Array.from({ length: REPLAY_LIMIT + 1 }, (_, i) => {
      const n = String(i).padStart(6, "0");
      return {
        id: `delivery_01JREPLAY${n}`,
        endpoint_id: id,
        event_id: `event_01JREPLAY${n}`,
        event_pos: `zz${n}`,
        event_type: "dsync.user.created",
        state: "failed",
        attempt_count: 20,
        failures: 20,
        next_attempt_at: at,
        give_up_at: at,
        locked_until: null,
        claim_token: null,
        claim_owner: null,
        last_status_code: 500,
        last_error: "HTTP 500",
        delivered_at: null,
        created_at: at,
        updated_at: at,
      };
    });
    for (let i = 0; i < rows.length; i += 200)
      await t.storage.db
        .insertInto("webhook_deliveries")
        .values(rows.slice(i, i + 200))
        .execute();
    // A dry run counts every one, past what one replay request takes.
    expect((await replay(id, { status: "failed", dry_run: true })).json()).toMatchObject({
      matched: REPLAY_LIMIT + 1,
      replayed: 0,
    });
    expect((await replay(id, { status: "failed", since: "2026-04-01T00:00:01Z", dry_run: true })).json().matched).toBe(
      0,
    );
    expect((await replay(id, { status: "failed" })).json()).toMatchObject({ replayed: REPLAY_LIMIT, has_more: true });
    expect((await replay(id, { status: "failed" })).json()).toMatchObject({ replayed: 1, has_more: false });
    const pending = await t.storage.db
      .selectFrom("webhook_deliveries")
      .select(({ fn }) => fn.countAll<number>().as("n"))
      .where("endpoint_id", "=", id)
      .where("state", "=", "pending")
      .executeTakeFirstOrThrow();
    expect(Number(pending.n)).toBe(REPLAY_LIMIT + 1);
    await t.app.inject({ method: "DELETE", url: `/webhook_endpoints/${id}`, headers: bearer(ADMIN_KEY) });
  });

  it("refuses a disabled endpoint, bad bodies and another organization's key, changing nothing", async () => {
    const id = await endpoint("/refused");
    await createUser();
    await drain();
    await t.app.inject({
      method: "PATCH",
      url: `/webhook_endpoints/${id}`,
      headers: bearer(ADMIN_KEY),
      payload: { enabled: false },
    });
    const disabled = await replay(id, { status: "succeeded" });
    expect(disabled.statusCode).toBe(409);
    expect(disabled.json().code).toBe("endpoint_disabled");
    expect((await replay(id, { status: "succeeded", dry_run: true })).statusCode).toBe(409);
    for (const body of [
      {},
      { status: "pending" },
      { status: "failed", since: "yesterday" },
      { status: "failed", since: "2026-02-02", until: "2026-02-01" },
      { status: "failed", extra: 1 },
      { status: "failed", dry_run: "yes" },
    ]) {
      const res = await replay(id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(422);
      expect(res.json().code).toBeTypeOf("string");
    }
    const other = await createOrgWithKey(t.app, "Other");
    expect((await replay(id, { status: "succeeded" }, other.key)).statusCode).toBe(404);
    expect((await replay(id, { status: "succeeded", dry_run: true }, other.key)).statusCode).toBe(404);
    expect((await rowsOf(id)).map((r) => r.state)).toEqual(["succeeded"]);
  });
});
