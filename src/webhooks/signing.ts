import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

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

/**
 * Both signatures of SPEC §5 on one request:
 * - Standard Webhooks: `webhook-id` (the event id, so receivers deduplicate), `webhook-timestamp`
 *   (seconds), `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 * - WorkOS: `WorkOS-Signature: t=<ms>, v1=<hex HMAC-SHA256 of "t.body">`, what the WorkOS SDK's
 *   `webhooks.constructEvent` checks (it re-serializes a parsed body with JSON.stringify, which
 *   gives back our body byte for byte because we serialize with JSON.stringify too).
 */
export function signatureHeaders(request: SignedRequest): Record<string, string> {
  const seconds = Math.floor(request.now.getTime() / 1000);
  const millis = request.now.getTime();
  const standard = new Webhook(request.secret).sign(request.eventId, request.now, request.body);
  const workos = createHmac("sha256", request.secret).update(`${millis}.${request.body}`, "utf8").digest("hex");
  return {
    "webhook-id": request.eventId,
    "webhook-timestamp": String(seconds),
    "webhook-signature": standard,
    "workos-signature": `t=${millis}, v1=${workos}`,
  };
}
