import { setTimeout as sleep } from "node:timers/promises";
import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { discardBody, readJsonBody } from "../json-body.js";
import { SourceError } from "../source.js";
import { nextLink } from "./link-header.js";
import type { OktaAuth } from "./okta-auth.js";
import { paceWaitMs, type RateLimitState, readRateLimit, throttledWaitMs } from "./rate-limit.js";

export interface OktaHttpOptions {
  /** The org's base, without `/api/v1` (see `apiBase`). */
  readonly baseUrl: string;
  readonly auth: OktaAuth;
  /** Per request, from sending it to the last byte of its body. */
  readonly timeoutMs: number;
  /** Retries of a 429 or 5xx answer (default 4). */
  readonly retries?: number | undefined;
  /** The longest wait for a rate-limit window or a backoff, in ms (default 65 s: Okta's windows are a minute). */
  readonly maxWaitMs?: number | undefined;
}

export type Query = Readonly<Record<string, string | number>>;

export interface OktaPage {
  readonly body: unknown;
  /** The `Link: <…>; rel="next"` URL, when there is one. */
  readonly next: string | null;
}

/** GETs against one Okta org; every failure is a `SourceError` that never names a credential. */
export interface OktaHttp {
  /** `path` (under the base, with `query`) or a next-page URL as Okta gave it (same origin only). */
  get(target: string | { path: string; query: Query }, signal: AbortSignal): Promise<OktaPage>;
  /** As `get`, or null when Okta answers 404 (no such user). */
  getIfFound(target: { path: string; query: Query }, signal: AbortSignal): Promise<OktaPage | null>;
  /** The `Date` of the latest answer: Okta's clock, for delta watermarks. */
  serverTime(): Date | null;
}

function urlOf(base: string, path: string, query: Query): string {
  // encodeURIComponent, not URLSearchParams: a space travels as %20 in an Okta filter expression.
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${base}${path}${qs ? `?${qs}` : ""}`;
}

/** Okta's rate limits are per endpoint: a list's bucket is its path with ids left out. */
function bucketOf(url: URL): string {
  return url.pathname
    .replace(/\/groups\/[^/]+\/users$/, "/groups/{id}/users")
    .replace(/\/users\/[^/]+$/, "/users/{id}");
}

/** Okta's error object (`errorCode`, `errorSummary`), cut short, or "". */
async function errorSummary(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { errorCode?: unknown; errorSummary?: unknown };
    const summary = typeof body.errorSummary === "string" ? body.errorSummary.slice(0, 200) : "";
    const code = typeof body.errorCode === "string" ? ` (${body.errorCode.slice(0, 20)})` : "";
    return summary ? `: ${summary}${code}` : "";
  } catch {
    return "";
  }
}

async function failureOf(response: Response, where: string, auth: OktaAuth): Promise<SourceError> {
  const status = response.status;
  if (status >= 300 && status < 400) {
    // Not followed: the token would go along to wherever it points.
    const location = response.headers.get("location") ?? "";
    await discardBody(response);
    return new SourceError(
      "misconfigured",
      `${where} answered ${status}, a redirect${location ? ` to ${location.slice(0, 200)}` : ""}; set org_url to the org's API address`,
    );
  }
  const summary = await errorSummary(response);
  const answered = { status };
  if (status === 401)
    return new SourceError(
      "invalid_credentials",
      `${where} answered 401${summary}: Okta refused ${auth.credential}`,
      answered,
    );
  if (status === 403)
    return new SourceError("invalid_credentials", `${where} answered 403${summary}: ${auth.forbidden}`, answered);
  if (status === 404)
    return new SourceError(
      "misconfigured",
      `${where} answered 404${summary}; is org_url the Okta org's URL?`,
      answered,
    );
  if (status >= 500) return new SourceError("unreachable", `${where} answered ${status}${summary}`, answered);
  return new SourceError("bad_response", `${where} answered ${status}${summary}`, answered);
}

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return sleep(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal.aborted ? (signal.reason ?? error) : error;
  });
}

/** An Okta Management API client over the global fetch (undici keeps connections alive). */
export function createOktaHttp(options: OktaHttpOptions): OktaHttp {
  const base = options.baseUrl;
  const origin = new URL(base).origin;
  const retries = options.retries ?? 4;
  const maxWaitMs = options.maxWaitMs ?? 65_000;
  const windows = new Map<string, { state: RateLimitState; at: number }>();
  let lastDate: Date | null = null;

  function resolve(target: string | { path: string; query: Query }): URL {
    if (typeof target !== "string") return new URL(urlOf(base, target.path, target.query));
    let url: URL;
    try {
      url = new URL(target);
    } catch (error) {
      throw new SourceError("bad_response", `Okta gave a next-page link that is not a URL: ${target.slice(0, 200)}`, {
        cause: error,
      });
    }
    // The token goes wherever the link points: only ever to the org it was given for.
    if (url.origin !== origin)
      throw new SourceError("bad_response", `Okta gave a next-page link to ${url.origin}, not ${origin}; not followed`);
    return url;
  }

  async function pace(bucket: string, signal: AbortSignal): Promise<void> {
    const seen = windows.get(bucket);
    if (seen) await abortable(paceWaitMs(seen.state, maxWaitMs) - (Date.now() - seen.at), signal);
  }

  async function request(
    target: string | { path: string; query: Query },
    signal: AbortSignal,
    missingOk: boolean,
  ): Promise<OktaPage | null> {
    const url = resolve(target);
    const where = `GET ${url.origin}${url.pathname}`;
    const bucket = bucketOf(url);
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      await pace(bucket, signal);
      const { headers, token } = await options.auth.authorize("GET", url, signal);
      // One deadline per attempt; the run's signal still cancels everything at once.
      const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
      let response: Response;
      try {
        response = await outboundFetch(url, {
          headers: { ...headers, accept: "application/json" },
          signal: attemptSignal,
          redirect: "manual",
        });
      } catch (error) {
        throw fetchFailure(error, where, signal, options.timeoutMs);
      }
      const date = Date.parse(response.headers.get("date") ?? "");
      if (!Number.isNaN(date)) lastDate = new Date(date);
      const limits = readRateLimit(response.headers);
      windows.set(bucket, { state: limits, at: Date.now() });
      const retryable = response.status === 429 || response.status >= 500;
      if (retryable && attempt < retries) {
        await discardBody(response);
        await abortable(
          response.status === 429
            ? throttledWaitMs(limits, attempt, maxWaitMs)
            : Math.min(maxWaitMs, 500 * 2 ** attempt),
          signal,
        );
        continue;
      }
      if (response.status === 401 && !renewed && options.auth.refused(token, response)) {
        await discardBody(response);
        renewed = true;
        attempt--;
        continue;
      }
      if (response.status === 404 && missingOk) {
        await discardBody(response);
        return null;
      }
      if (!response.ok) {
        const failure = await failureOf(response, where, options.auth);
        if (response.status === 429)
          throw new SourceError(
            "unreachable",
            `${failure.message} (the rate limit was still exceeded after ${retries} retries)`,
          );
        throw failure;
      }
      return {
        body: await readJsonBody(response, where, signal, options.timeoutMs),
        next: nextLink(response.headers.get("link")),
      };
    }
  }

  return Object.freeze({
    get: async (target: string | { path: string; query: Query }, signal: AbortSignal) =>
      (await request(target, signal, false)) as OktaPage,
    getIfFound: (target: { path: string; query: Query }, signal: AbortSignal) => request(target, signal, true),
    serverTime: () => lastDate,
  });
}
