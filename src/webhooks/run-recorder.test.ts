import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { createDeliveryWorker, type WorkerLog } from "./delivery-worker.js";
import { settleEvents, startTestReceiver, type TestReceiver, waitUntil } from "./webhook-test-support.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const silent: WorkerLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.each(DIALECTS)("a webhook run recorded as it goes, on %s", (dialect) => {
  let t: TestApp;
  let receiver: TestReceiver;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    receiver = await startTestReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it("records each success while the rest of its run is still being sent", async () => {
    const dir = await createScimDirectory(t.app);
    const endpoint = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: `${receiver.url}/run`, organization_id: dir.orgId },
    });
    const scim = scimClient(t.app, dir);
    for (let i = 0; i < 8; i++)
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `progress${i}@example.com` });
    await settleEvents(t.storage);
    // The sixth delivery is never answered: the run stays in flight with five sent.
    receiver.respond = (_path, seen) => (seen === 5 ? null : 200);
    const keyring = createSecretKeyring({
      secretKey: SECRET_KEY,
      database: { kind: "sqlite", file: ":memory:" },
      warn: () => undefined,
    });
    const worker = createDeliveryWorker(
      { db: t.storage.db, caps: t.storage.caps, clock: systemClock, ids: createIdGenerator(), keyring, log: silent },
      { pollIntervalMs: 10 },
    ).start();
    const succeeded = async () =>
      (
        await t.storage.db
          .selectFrom("webhook_deliveries")
          .select("id")
          .where("endpoint_id", "=", endpoint.json().id)
          .where("state", "=", "succeeded")
          .execute()
      ).length;
    try {
      await waitUntil(() => receiver.receipts.length === 6, "the sixth delivery to be in flight");
      await waitUntil(async () => (await succeeded()) === 5, "the five answered deliveries to be recorded", 5_000);
      const attempts = await t.storage.db.selectFrom("webhook_attempts").select("status_code").execute();
      expect(attempts.map((a) => a.status_code)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      await worker.stop();
    }
    // Stopping cut the sixth: given back, not failed, and nothing recorded twice.
    expect(await succeeded()).toBe(5);
    expect(
      await t.storage.db.selectFrom("webhook_attempts").select("id").where("status_code", "=", 200).execute(),
    ).toHaveLength(5);
  });
});
