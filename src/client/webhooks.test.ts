import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, scimOf, startLiveServer, waitFor } from "../cli/live-test-server.js";
import { type Receipt, startTestReceiver, type TestReceiver } from "../webhooks/webhook-test-support.js";
import { type CreatedWebhookEndpoint, type Organization, verifyWebhook, WebhookVerificationError } from "./index.js";

/** Signs like Roster does, for a body and timestamp of the test's choosing. */
function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

function rejection(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err;
    throw err;
  }
  throw new Error("expected a WebhookVerificationError");
}

describe("roster/client: webhook endpoints and verifyWebhook against a real delivery", () => {
  let live: LiveServer;
  let receiver: TestReceiver;
  let org: Organization;
  let endpoint: CreatedWebhookEndpoint;
  let delivered: Receipt;

  beforeAll(async () => {
    live = await startLiveServer();
    receiver = await startTestReceiver();
    org = await live.admin.organizations.create({ name: "Hooked" });
    endpoint = await live.admin.webhookEndpoints.create({
      url: `${receiver.url}/hook`,
      events: ["dsync.user.created"],
      organization_id: org.id,
    });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "generic scim v2.0",
    });
    await scimOf(directory).user("ada@hooked.test");
    await waitFor(() => receiver.receipts.length >= 1, "the dsync.user.created delivery");
    delivered = receiver.receipts[0] as Receipt;
  });
  afterAll(async () => {
    await live?.close();
    await receiver?.close();
  });

  const headersOf = (receipt: Receipt): IncomingHttpHeaders => receipt.headers;

  it("creates an endpoint whose secret is shown once", async () => {
    expect(endpoint).toMatchObject({
      object: "webhook_endpoint",
      url: `${receiver.url}/hook`,
      organization_id: org.id,
      events: ["dsync.user.created"],
      enabled: true,
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    expect(await live.admin.webhookEndpoints.get(endpoint.id)).not.toHaveProperty("secret");
    expect((await live.admin.webhookEndpoints.list({ organization_id: org.id })).data.map((e) => e.id)).toEqual([
      endpoint.id,
    ]);
  });

  it("verifies a real delivery by its Standard Webhooks headers and returns the event", () => {
    const event = verifyWebhook({ headers: headersOf(delivered), body: delivered.body, secret: endpoint.secret });
    expect(event).toMatchObject({
      id: delivered.webhookId,
      event: "dsync.user.created",
      data: { object: "directory_user", username: "ada@hooked.test" },
    });
    // fetch's Headers and a Buffer body work as well.
    const headers = new Headers(
      Object.entries(headersOf(delivered)).flatMap(([k, v]) =>
        typeof v === "string" ? [[k, v] as [string, string]] : [],
      ),
    );
    expect(verifyWebhook({ headers, body: Buffer.from(delivered.body), secret: endpoint.secret }).id).toBe(event.id);
  });

  it("rejects a tampered body, a wrong secret, and missing headers", () => {
    const tampered = delivered.body.replace("ada@hooked.test", "eve@hooked.test");
    expect(
      rejection(() => verifyWebhook({ headers: headersOf(delivered), body: tampered, secret: endpoint.secret })).code,
    ).toBe("invalid_signature");
    const otherSecret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    expect(
      rejection(() => verifyWebhook({ headers: headersOf(delivered), body: delivered.body, secret: otherSecret })).code,
    ).toBe("invalid_signature");
    const { "webhook-signature": _, ...unsigned } = headersOf(delivered);
    expect(
      rejection(() => verifyWebhook({ headers: unsigned, body: delivered.body, secret: endpoint.secret })).message,
    ).toMatch(/webhook-signature header is missing/);
    expect(
      rejection(() => verifyWebhook({ headers: headersOf(delivered), body: delivered.body, secret: "not a secret!" }))
        .code,
    ).toBe("invalid_secret");
  });

  it("rejects an old timestamp, a moved timestamp header, and one from the future", () => {
    const headers = headersOf(delivered);
    const id = String(headers["webhook-id"]);
    const later = new Date(Date.now() + 10 * 60_000);
    expect(
      rejection(() => verifyWebhook({ headers, body: delivered.body, secret: endpoint.secret, now: later })).code,
    ).toBe("timestamp_too_old");
    expect(
      verifyWebhook({ headers, body: delivered.body, secret: endpoint.secret, now: later, toleranceSeconds: 3600 }).id,
    ).toBe(id);

    const old = Math.floor(Date.now() / 1000) - 3600;
    const replayed = {
      ...headers,
      "webhook-timestamp": String(old),
      "webhook-signature": sign(endpoint.secret, id, old, delivered.body),
    };
    expect(
      rejection(() => verifyWebhook({ headers: replayed, body: delivered.body, secret: endpoint.secret })).code,
    ).toBe("timestamp_too_old");
    // A fresher timestamp on the old signature: the signature covers the timestamp.
    const moved = { ...headers, "webhook-timestamp": String(Number(headers["webhook-timestamp"]) + 1) };
    expect(rejection(() => verifyWebhook({ headers: moved, body: delivered.body, secret: endpoint.secret })).code).toBe(
      "invalid_signature",
    );
    const future = Math.floor(Date.now() / 1000) + 3600;
    const early = {
      ...headers,
      "webhook-timestamp": String(future),
      "webhook-signature": sign(endpoint.secret, id, future, delivered.body),
    };
    expect(rejection(() => verifyWebhook({ headers: early, body: delivered.body, secret: endpoint.secret })).code).toBe(
      "timestamp_too_new",
    );
  });

  it("accepts any matching entry of a multi-signature header, and refuses a signed body that is not an event", () => {
    const headers = headersOf(delivered);
    const rotated = { ...headers, "webhook-signature": `v1,AAAA v2,zzz ${String(headers["webhook-signature"])}` };
    expect(verifyWebhook({ headers: rotated, body: delivered.body, secret: endpoint.secret }).id).toBe(
      delivered.webhookId,
    );
    const now = Math.floor(Date.now() / 1000);
    const junk = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(now),
      "webhook-signature": sign(endpoint.secret, "msg_1", now, "[1,2]"),
    };
    expect(rejection(() => verifyWebhook({ headers: junk, body: "[1,2]", secret: endpoint.secret })).code).toBe(
      "invalid_body",
    );
  });

  it("lists deliveries, replays one with the same webhook-id, updates and deletes the endpoint", async () => {
    await waitFor(
      async () => (await live.admin.webhookEndpoints.deliveries(endpoint.id)).data[0]?.state === "succeeded",
      "the delivery to be logged",
    );
    const [delivery] = (await live.admin.webhookEndpoints.deliveries(endpoint.id, { state: "succeeded" })).data;
    expect(delivery).toMatchObject({
      object: "webhook_delivery",
      endpoint_id: endpoint.id,
      event_id: delivered.webhookId,
      event: "dsync.user.created",
      attempt_count: 1,
    });
    expect(delivery?.attempts[0]).toMatchObject({ object: "webhook_attempt", attempt: 1, status_code: 200 });
    expect(await live.admin.webhookEndpoints.getDelivery(endpoint.id, delivery?.id ?? "")).toEqual(delivery);

    const retried = await live.admin.webhookEndpoints.retryDelivery(endpoint.id, delivery?.id ?? "");
    expect(retried).toMatchObject({ id: delivery?.id, state: "pending" });
    await waitFor(() => receiver.receipts.length >= 2, "the replay");
    const replay = receiver.receipts[1] as Receipt;
    expect(replay.webhookId).toBe(delivered.webhookId);
    expect(verifyWebhook({ headers: replay.headers, body: replay.body, secret: endpoint.secret }).id).toBe(
      delivered.webhookId,
    );

    const disabled = await live.admin.webhookEndpoints.update(endpoint.id, { enabled: false, events: [] });
    expect(disabled).toMatchObject({ enabled: false, events: [] });
    await expect(live.admin.webhookEndpoints.retryDelivery(endpoint.id, delivery?.id ?? "")).rejects.toMatchObject({
      status: 409,
      code: "endpoint_disabled",
    });

    await live.admin.webhookEndpoints.delete(endpoint.id);
    await expect(live.admin.webhookEndpoints.get(endpoint.id)).rejects.toMatchObject({
      status: 404,
      code: "not_found",
    });
  });
});
