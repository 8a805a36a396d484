import { createHmac, randomBytes } from "node:crypto";

/**
 * An endpoint secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes.
 * Standard Webhooks signs with the decoded bytes; WorkOS-Signature with the whole string as is.
 */
export function mintEndpointSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export interface SignedRequest {
  readonly eventId: string;
  readonly body: string;
  readonly secret: string;
  /** When this attempt is sent: receivers reject stale timestamps, so every attempt is signed anew. */
  readonly now: Date;
}

/** Signs requests with one endpoint secret; made once per secret, since decoding it costs. */
export type EndpointSigner = (eventId: string, body: string, now: Date) => Record<string, string>;

/**
 * Both signatures on one request:
 * - Standard Webhooks: `webhook-id` (the event id, so receivers deduplicate), `webhook-timestamp`
 *   (seconds), `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with
 *   the secret's base64 part decoded (as the standardwebhooks library does).
 * - WorkOS: `WorkOS-Signature: t=<ms>, v1=<hex HMAC-SHA256 of "t.body">`, what the WorkOS SDK's
 *   `webhooks.constructEvent` checks (it re-serializes a parsed body with JSON.stringify, which
 *   gives back our body byte for byte because bodies are JSON.stringify output too).
 */
export function createEndpointSigner(secret: string): EndpointSigner {
  const standardKey = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  return (eventId, body, now) => {
    const millis = now.getTime();
    const seconds = Math.floor(millis / 1000);
    const standard = createHmac("sha256", standardKey).update(`${eventId}.${seconds}.${body}`, "utf8").digest("base64");
    const workos = createHmac("sha256", secret).update(`${millis}.${body}`, "utf8").digest("hex");
    return {
      "webhook-id": eventId,
      "webhook-timestamp": String(seconds),
      "webhook-signature": `v1,${standard}`,
      "workos-signature": `t=${millis}, v1=${workos}`,
    };
  };
}

/** One request's signature headers (see `createEndpointSigner`). */
export function signatureHeaders(request: SignedRequest): Record<string, string> {
  return createEndpointSigner(request.secret)(request.eventId, request.body, request.now);
}
