import { setTimeout as sleep } from "node:timers/promises";
import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { isPlainObject } from "../../scim-resource/plain-object.js";
import { SourceError } from "../source.js";
import { fetchFailure } from "../fetch-failure.js";
import { retryDelayMs } from "./retry-after.js";

export interface ScimHttpOptions {
  readonly baseUrl: string;
  readonly token: string;
  /** Per request, from sending it to the last byte of its body. */
  readonly timeoutMs: number;
  /** Retries of a 429 or 503 answer (default 2). */
  readonly retries?: number | undefined;
  /** The longest `Retry-After` honoured, in ms (default 30 s). */
  readonly maxRetryWaitMs?: number | undefined;
}

export type Query = Readonly<Record<string, string | number>>;
export type JsonObject = Record<string, unknown>;

/** GETs against one upstream SCIM base that answer with a JSON object or fail with a `SourceError`. */
export interface ScimHttp {
  /** The object at `path`; a 404 is a `misconfigured` failure (a wrong base URL). */
  get(path: string, query: Query, signal: AbortSignal): Promise<JsonObject>;
  /** The object at `path`, or null when the upstream answers 404. */
  getIfFound(path: string, query: Query, signal: AbortSignal): Promise<JsonObject | null>;
  /** `GET {base}{path}`, as failure messages name a request. */
  describe(path: string): string;
}

const RETRYABLE = new Set([429, 503]);
const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json$/;

function urlOf(base: string, path: string, query: Query): string {
  // encodeURIComponent, not URLSearchParams: a space must travel as %20, not "+", in a SCIM filter.
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${base}${path}${qs ? `?${qs}` : ""}`;
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** The SCIM error `detail` of a failed answer, if it has one, cut short. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    if (isPlainObject(body) && typeof body.detail === "string") return `: ${body.detail.slice(0, 200)}`;
  } catch {
    // not JSON: the status alone is named
  }
  return "";
}

async function failureOf(response: Response, where: string): Promise<SourceError> {
  const status = response.status;
  if (status === 401 || status === 403) {
    await discard(response);
    return new SourceError("invalid_credentials", `${where} answered ${status}: the upstream refused the token`, {
      status,
    });
  }
  const detail = await errorDetail(response);
  const answered = { status };
  if (status === 404)
    return new SourceError(
      "misconfigured",
      `${where} answered 404${detail}; is base_url the upstream's SCIM base?`,
      answered,
    );
  if (status === 502 || status === 503 || status === 504)
    return new SourceError("unreachable", `${where} answered ${status}${detail}`, answered);
  return new SourceError("bad_response", `${where} answered ${status}${detail}`, answered);
}

/** A SCIM client over the global fetch (undici keeps connections alive between requests). */
export function createScimHttp(options: ScimHttpOptions): ScimHttp {
  const base = options.baseUrl.replace(/\/+$/, "");
  const retries = options.retries ?? 2;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? 30_000;
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/scim+json, application/json" };
  const describe = (path: string) => `GET ${base}${path}`;

  async function readObject(response: Response, where: string, runSignal: AbortSignal): Promise<JsonObject> {
    const type = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (type !== "" && !JSON_TYPE.test(type)) {
      await discard(response);
      throw new SourceError("bad_response", `${where} returned ${type}, expected SCIM JSON`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw fetchFailure(error, where, runSignal, options.timeoutMs);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new SourceError("bad_response", `${where} returned a body that is not JSON, expected SCIM JSON`, {
        cause: error,
      });
    }
    if (!isPlainObject(body))
      throw new SourceError("bad_response", `${where} returned JSON that is not an object, expected a SCIM resource`);
    return body;
  }

  async function request(
    path: string,
    query: Query,
    signal: AbortSignal,
    missingOk: boolean,
  ): Promise<JsonObject | null> {
    const where = describe(path);
    const url = urlOf(base, path, query);
    for (let attempt = 0; ; attempt++) {
      // One deadline per attempt; the run's signal still cancels everything at once.
      const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
      let response: Response;
      try {
        response = await outboundFetch(url, { headers, signal: attemptSignal });
      } catch (error) {
        throw fetchFailure(error, where, signal, options.timeoutMs);
      }
      if (RETRYABLE.has(response.status) && attempt < retries) {
        const wait = retryDelayMs(response.headers.get("retry-after"), attempt, maxRetryWaitMs);
        await discard(response);
        await sleep(wait, undefined, { signal }).catch((error: unknown) => {
          throw signal.aborted ? (signal.reason ?? error) : error;
        });
        continue;
      }
      if (response.status === 404 && missingOk) {
        await discard(response);
        return null;
      }
      if (!response.ok) throw await failureOf(response, where);
      return readObject(response, where, signal);
    }
  }

  return Object.freeze({
    describe,
    get: async (path: string, query: Query, signal: AbortSignal) =>
      (await request(path, query, signal, false)) as JsonObject,
    getIfFound: (path: string, query: Query, signal: AbortSignal) => request(path, query, signal, true),
  });
}
