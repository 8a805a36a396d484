import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";
import type { SecretKeyring } from "../crypto/secret-key.js";
import { outboundFetch } from "../outbound/outbound-fetch.js";
import { outboundPolicy } from "../outbound/outbound-policy.js";
import { EXCERPT_BYTES } from "./http-send.js";
import { createEndpointSigner } from "./signing.js";

/** How long a test waits for the receiver: a person is waiting on the answer. */
const TEST_TIMEOUT_MS = 10_000;

/** The event type of a test delivery; never written to the event feed. */
export const TEST_EVENT_TYPE = "webhook.test" as const;

/** What came of sending one signed test event to an endpoint. */
export interface WebhookTestResult {
  readonly object: "webhook_test";
  readonly endpoint_id: string;
  readonly url: string;
  /** The body sent, `{ id, event: "webhook.test", data, created_at }`, signed as every delivery is. */
  readonly event: {
    readonly id: string;
    readonly event: typeof TEST_EVENT_TYPE;
    readonly data: { readonly webhook_endpoint_id: string };
    readonly created_at: string;
  };
  /** The receiver answered 2xx within the timeout. */
  readonly delivered: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly response_excerpt: string | null;
  readonly error: string | null;
}

async function excerptOf(response: Response): Promise<string | null> {
  const text = await response.text().catch(() => "");
  return text === "" ? null : Buffer.from(text, "utf8").subarray(0, EXCERPT_BYTES).toString("utf8");
}

/**
 * Sends one signed `webhook.test` event to an endpoint now and reports how the receiver answered,
 * so a person can check a URL and its signature check before real events flow. It bypasses the
 * outbox on purpose: nothing is recorded (no delivery, no event in the feed, no retry), and a
 * disabled endpoint can be tested before it is enabled again.
 */
export function createWebhookTester(deps: Pick<Deps, "db" | "clock" | "ids" | "config">, keyring: SecretKeyring) {
  return {
    async send(endpointId: string, scope: string | null): Promise<WebhookTestResult> {
      const row = await deps.db
        .selectFrom("webhook_endpoints")
        .select(["id", "organization_id", "url", "secret_sealed", "private_network"])
        .where("id", "=", endpointId)
        .executeTakeFirst();
      if (!row || (scope !== null && row.organization_id !== scope))
        throw Errors.notFound("Webhook endpoint", endpointId);
      const sign = createEndpointSigner(keyring.box().open(row.secret_sealed, row.id));
      const now = deps.clock.now();
      const event = {
        id: deps.ids("event"),
        event: TEST_EVENT_TYPE,
        data: { webhook_endpoint_id: row.id },
        created_at: now.toISOString(),
      };
      const body = JSON.stringify(event);
      const headers = {
        "content-type": "application/json",
        "user-agent": "Roster-Webhooks/1",
        ...sign(event.id, body, now),
      };
      const started = performance.now();
      const result = { object: "webhook_test" as const, endpoint_id: row.id, url: row.url, event };
      try {
        const policy = outboundPolicy(deps.config.outboundPrivate, row.private_network === 1, "endpoint");
        const response = await outboundFetch(row.url, {
          method: "POST",
          headers,
          body,
          redirect: "manual",
          signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
          policy,
        });
        const excerpt = await excerptOf(response);
        const latency_ms = Math.round(performance.now() - started);
        const delivered = response.status >= 200 && response.status < 300;
        return {
          ...result,
          delivered,
          status_code: response.status,
          latency_ms,
          response_excerpt: excerpt,
          error: delivered ? null : `The receiver answered ${response.status}`,
        };
      } catch (error) {
        const latency_ms = Math.round(performance.now() - started);
        const timedOut = error instanceof Error && error.name === "TimeoutError";
        const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
        const message = timedOut
          ? `No answer within ${TEST_TIMEOUT_MS / 1000} s`
          : `The request failed${cause || (error instanceof Error ? `: ${error.message}` : "")}`;
        return { ...result, delivered: false, status_code: null, latency_ms, response_excerpt: null, error: message };
      }
    },
  };
}

export type WebhookTester = ReturnType<typeof createWebhookTester>;
