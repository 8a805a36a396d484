import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { readJsonBody } from "../json-body.js";
import { SourceError } from "../source.js";
import type { AccessTokens } from "./google-token.js";
import { abortable, backoffMs, retryAfterMs } from "./backoff.js";

export type Query = Readonly<Record<string, string | number | undefined>>;

export interface GoogleHttpOptions {
  /** The Admin SDK's base, without `/admin/directory/v1` (see `apiBase`). */
  readonly baseUrl: string;
  readonly tokens: AccessTokens;
  /** Waits for a free slot under the per-minute quota before each request. */
  readonly pace: (signal: AbortSignal) => Promise<void>;
  readonly timeoutMs: number;
  /** Retries of a throttled or failing answer (429, 5xx, 403 rate-limit reasons). */
  readonly retries: number;
  readonly maxWaitMs: number;
}

/** GETs against the Directory API; every failure is a `SourceError` that never names a token or the key. */
export interface GoogleHttp {
  /** The JSON body of `GET {base}/admin/directory/v1{path}?{query}`. */
  get(path: string, query: Query, signal: AbortSignal): Promise<unknown>;
  /** As `get`, or null when Google answers 404 (the user or group is gone). */
  getIfFound(path: string, query: Query, signal: AbortSignal): Promise<unknown>;
}

/** The quota reasons of Google's error object that mean "slow down and try again" (the API's "Limits and quotas"). */
const THROTTLED_REASONS = new Set(["rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "backendError"]);

interface GoogleError {
  readonly message: string;
  readonly reason: string;
}

/** Google's JSON error object (`{ error: { code, message, errors: [{ reason }] } }`), cut short. */
async function googleError(response: Response): Promise<GoogleError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; errors?: { reason?: unknown }[] } };
    const message = typeof body.error?.message === "string" ? body.error.message.slice(0, 300) : "";
    const reason = body.error?.errors?.find((e) => typeof e.reason === "string")?.reason;
    return { message, reason: typeof reason === "string" ? reason.slice(0, 60) : "" };
  } catch {
    return { message: "", reason: "" };
  }
}

function failureOf(status: number, error: GoogleError, where: string): SourceError {
  const said = error.message ? `: ${error.message}${error.reason ? ` (${error.reason})` : ""}` : "";
  if (status === 401)
    return new SourceError(
      "invalid_credentials",
      `${where} answered 401${said}: Google did not take the service account's access token`,
    );
  if (status === 403) {
    if (THROTTLED_REASONS.has(error.reason))
      return new SourceError(
        "unreachable",
        `${where} answered 403${said} (the quota was still exceeded after retrying)`,
      );
    return new SourceError(
      "invalid_credentials",
      `${where} answered 403${said}: is admin_email an admin who may read users and groups, and the Admin SDK API enabled?`,
    );
  }
  if (status === 400)
    return new SourceError("misconfigured", `${where} answered 400${said}; check customer_id and domain`);
  if (status === 404)
    return new SourceError(
      "misconfigured",
      `${where} answered 404${said}; is api_url the Admin SDK's address, and customer_id or domain this account's?`,
    );
  if (status === 429 || status >= 500)
    return new SourceError(
      "unreachable",
      `${where} answered ${status}${said}${status === 429 ? " (the rate limit was still exceeded after retrying)" : ""}`,
    );
  return new SourceError("bad_response", `${where} answered ${status}${said}`);
}

function urlOf(base: string, path: string, query: Query): URL {
  const url = new URL(`${base}/admin/directory/v1${path}`);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}

export function createGoogleHttp(options: GoogleHttpOptions): GoogleHttp {
  const { tokens, timeoutMs, retries, maxWaitMs } = options;

  async function request(path: string, query: Query, signal: AbortSignal, missingOk: boolean): Promise<unknown> {
    const url = urlOf(options.baseUrl, path, query);
    const where = `GET ${url.origin}${url.pathname}`;
    let renewed = false;
    for (let attempt = 0; ; ) {
      const token = await tokens.current(signal);
      await options.pace(signal);
      let response: Response;
      try {
        response = await outboundFetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          redirect: "manual",
        });
      } catch (error) {
        throw fetchFailure(error, where, signal, timeoutMs);
      }
      if (response.status === 401 && !renewed) {
        // The token expired (or was revoked) mid-run: one new token, then the same request again.
        await response.body?.cancel().catch(() => undefined);
        tokens.rejected(token);
        renewed = true;
        continue;
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new SourceError(
          "misconfigured",
          `${where} answered ${response.status}, a redirect; set api_url to the Admin SDK's address`,
        );
      }
      if (response.status === 404 && missingOk) {
        await response.body?.cancel().catch(() => undefined);
        return null;
      }
      if (response.ok) return readJsonBody(response, where, signal, timeoutMs);
      const wait = retryAfterMs(response.headers);
      const error = await googleError(response);
      const throttled =
        response.status === 429 ||
        response.status >= 500 ||
        (response.status === 403 && THROTTLED_REASONS.has(error.reason));
      if (throttled && attempt < retries) {
        await abortable(backoffMs(attempt, wait, maxWaitMs), signal);
        attempt++;
        continue;
      }
      throw failureOf(response.status, error, where);
    }
  }

  return Object.freeze({
    get: (path: string, query: Query, signal: AbortSignal) => request(path, query, signal, false),
    getIfFound: (path: string, query: Query, signal: AbortSignal) => request(path, query, signal, true),
  });
}
