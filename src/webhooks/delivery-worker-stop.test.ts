import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { createDeliveryWorker, type WorkerLog } from "./delivery-worker.js";
import { settleEvents, waitUntil } from "./webhook-test-support.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const silent: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
const ANSWER_AFTER_MS = 400;

describe.each(DIALECTS)("a webhook worker stopping with a grace period, on %s", (dialect) => {
  let t: TestApp;
  let receiver: Server;
  const arrived: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    receiver = createServer((req, res) => {
      arrived.push(String(req.headers["webhook-id"]));
      req.resume();
      setTimeout(() => res.writeHead(200).end("ok"), ANSWER_AFTER_MS);
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await t?.close();
  });

  it("lets the request in flight finish and records it delivered, starts no other, and gives the rest back", async () => {
    const dir = await createScimDirectory(t.app);
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/grace`;
    const endpoint = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url, organization_id: dir.orgId },
    });
    const scim = scimClient(t.app, dir);
    for (let i = 0; i < 3; i++)
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `grace${i}@example.com` });
    await settleEvents(t.storage);
    const keyring = createSecretKeyring({
      secretKey: SECRET_KEY,
      database: { kind: "sqlite", file: ":memory:" },
      warn: () => undefined,
    });
    const worker = createDeliveryWorker(
      { db: t.storage.db, caps: t.storage.caps, clock: systemClock, ids: createIdGenerator(), keyring, log: silent },
      { pollIntervalMs: 10 },
    ).start();
    await waitUntil(() => arrived.length === 1, "the first delivery to be in flight");
    const stopping = Date.now();
    await worker.stop(5_000);
    // Waited for the answer, not for the whole grace period.
    expect(Date.now() - stopping).toBeLessThan(3_000);

    expect(arrived).toHaveLength(1);
    const rows = await t.storage.db
      .selectFrom("webhook_deliveries")
      .select(["event_id", "state", "locked_until", "attempt_count"])
      .where("endpoint_id", "=", endpoint.json().id)
      .orderBy("event_pos")
      .execute();
    expect(rows.map((r) => [r.state, r.attempt_count, r.locked_until])).toEqual([
      ["succeeded", 1, null],
      ["pending", 0, null],
      ["pending", 0, null],
    ]);
    expect(rows[0]?.event_id).toBe(arrived[0]);
    expect(await t.storage.db.selectFrom("webhook_workers").select("id").execute()).toEqual([]);
  });
});
