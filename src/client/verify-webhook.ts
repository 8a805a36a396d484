import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookEvent } from "./event-types.js";

/** Standard Webhooks' default: a delivery signed more than 5 minutes away from now is refused. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** Request headers as node:http (`req.headers`), fetch (`Headers`) or a plain object give them; names are matched case-insensitively. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyWebhookInput {
  readonly headers: WebhookHeaders;
  /** The raw request body, exactly as received: verify before parsing (a re-serialized body may differ). */
  readonly body: string | Uint8Array;
  /** The endpoint's secret, `whsec_<base64>`, as `webhookEndpoints.create` returned it. */
  readonly secret: string;
  /** How far `webhook-timestamp` may be from now, either way; 300 by default. */
  readonly toleranceSeconds?: number;
  /** "Now", for tests; the system clock by default. */
  readonly now?: Date;
}

export type WebhookVerificationErrorCode =
  | "missing_header"
  | "invalid_secret"
  | "invalid_timestamp"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "invalid_signature"
  | "invalid_body";

/** A webhook that must not be trusted: answer it with a 400 and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  constructor(
    readonly code: WebhookVerificationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return typeof entry === "string" ? entry : entry?.join(" ");
}

function required(headers: WebhookHeaders, name: string): string {
  const value = header(headers, name)?.trim();
  if (!value)
    throw new WebhookVerificationError("missing_header", `The ${name} header is missing: not a Roster webhook`);
  return value;
}

function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.length === 0) {
    throw new WebhookVerificationError(
      "invalid_secret",
      "The secret is not a webhook endpoint secret (whsec_<base64>)",
    );
  }
  return key;
}

function checkTimestamp(raw: string, now: Date, toleranceSeconds: number): void {
  if (!/^\d{1,15}$/.test(raw))
    throw new WebhookVerificationError(
      "invalid_timestamp",
      `The webhook-timestamp header is not a Unix time in seconds: "${raw}"`,
    );
  const skew = Math.floor(now.getTime() / 1000) - Number(raw);
  if (skew > toleranceSeconds)
    throw new WebhookVerificationError(
      "timestamp_too_old",
      `The webhook was signed ${skew} s ago, more than the ${toleranceSeconds} s allowed: a replay or a stale retry`,
    );
  if (-skew > toleranceSeconds)
    throw new WebhookVerificationError(
      "timestamp_too_new",
      `The webhook is signed ${-skew} s in the future, more than the ${toleranceSeconds} s allowed: check the clocks`,
    );
}

/** Whether any `v1,<base64>` entry of the header is the expected signature, compared in constant time. */
function anyMatches(signatureHeader: string, expected: Buffer): boolean {
  let matched = false;
  for (const entry of signatureHeader.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || !signature) continue;
    const given = Buffer.from(signature, "base64");
    // Check every entry (no early exit) so timing does not tell which one matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true;
  }
  return matched;
}

function parseEvent(body: string): WebhookEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError("invalid_body", "The webhook body is signed but is not JSON");
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    !("id" in parsed) ||
    !("event" in parsed) ||
    !("data" in parsed)
  ) {
    throw new WebhookVerificationError(
      "invalid_body",
      "The webhook body is signed but is not a Roster event ({ id, event, data, created_at })",
    );
  }
  return parsed as WebhookEvent;
}

/**
 * Verifies a webhook Roster sent, by its Standard Webhooks headers: `webhook-signature` must hold
 * `v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">` keyed by the decoded
 * secret, and `webhook-timestamp` be within `toleranceSeconds` of now. Returns the event; throws a
 * {@link WebhookVerificationError} (with a `code`) otherwise. Deduplicate on the event's `id`
 * (also `webhook-id`): delivery is at least once.
 *
 * @example
 * http.createServer(async (req, res) => {
 *   const chunks: Buffer[] = [];
 *   for await (const chunk of req) chunks.push(chunk);
 *   const body = Buffer.concat(chunks).toString("utf8");
 *   try {
 *     const event = verifyWebhook({ headers: req.headers, body, secret: process.env.ROSTER_WEBHOOK_SECRET! });
 *     await handle(event);
 *     res.writeHead(204).end();
 *   } catch (err) {
 *     res.writeHead(err instanceof WebhookVerificationError ? 400 : 500).end();
 *   }
 * });
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookEvent {
  const tolerance = input.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0)
    throw new RangeError(`toleranceSeconds must be a number ≥ 0, got ${tolerance}`);
  const key = secretKey(input.secret);
  const id = required(input.headers, "webhook-id");
  const timestamp = required(input.headers, "webhook-timestamp");
  const signature = required(input.headers, "webhook-signature");
  checkTimestamp(timestamp, input.now ?? new Date(), tolerance);

  const body = typeof input.body === "string" ? Buffer.from(input.body, "utf8") : input.body;
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`, "utf8").update(body).digest();
  if (!anyMatches(signature, expected)) {
    throw new WebhookVerificationError(
      "invalid_signature",
      "No webhook-signature matches: a wrong secret, or a body or header changed on the way (verify the raw body, before parsing)",
    );
  }
  return parseEvent(Buffer.from(body).toString("utf8"));
}
