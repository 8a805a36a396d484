import { describe, expect, it } from "vitest";
import { WorkOS } from "@workos-inc/node";
import { Webhook } from "standardwebhooks";
import { mintEndpointSecret, signatureHeaders } from "./signing.js";
import { verifyStandardSignature, verifyWorkosSignature } from "./webhook-test-support.js";

describe("webhook signatures", () => {
  const secret = mintEndpointSecret();
  const body = JSON.stringify({
    id: "event_01",
    event: "dsync.user.created",
    data: { name: "Zoë" },
    created_at: "2026-01-01T00:00:00.000Z",
  });

  it("mints Standard Webhooks secrets of 32 random bytes", () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    expect(mintEndpointSecret()).not.toBe(secret);
  });

  it("verifies with the standardwebhooks library, a hand-written check, and the WorkOS scheme", () => {
    const now = new Date();
    const headers = signatureHeaders({ eventId: "event_01", body, secret, now });
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(verifyStandardSignature(secret, headers, body)).toBe(true);
    expect(verifyWorkosSignature(secret, headers["workos-signature"] ?? "", JSON.parse(body))).toEqual({
      ok: true,
      timestampMs: now.getTime(),
    });
    expect(verifyWorkosSignature(mintEndpointSecret(), headers["workos-signature"] ?? "", JSON.parse(body)).ok).toBe(
      false,
    );
    expect(headers["webhook-timestamp"]).toBe(String(Math.floor(now.getTime() / 1000)));
  });

  it("passes the WorkOS SDK's own webhooks.constructEvent, and fails it under another secret", async () => {
    const headers = signatureHeaders({ eventId: "event_01", body, secret, now: new Date() });
    const workos = new WorkOS("sk_test_offline");
    const sigHeader = headers["workos-signature"] ?? "";
    const event = await workos.webhooks.constructEvent({ payload: JSON.parse(body), sigHeader, secret });
    expect(event).toMatchObject({ id: "event_01", event: "dsync.user.created" });
    await expect(
      workos.webhooks.constructEvent({ payload: JSON.parse(body), sigHeader, secret: mintEndpointSecret() }),
    ).rejects.toThrow(/does not match/);
  });
});
