import { errorFromResponse, RosterApiError } from "./errors.js";

/** A query string value; arrays are sent as repeated parameters, undefined ones are left out. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface RequestSpec {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  readonly path: string;
  readonly query?: Query;
  /** Sent as JSON; no body (and no Content-Type) when undefined. */
  readonly body?: unknown;
  /** A body sent as is instead of JSON, e.g. a CSV upload (`text/csv`). */
  readonly text?: { readonly contentType: string; readonly content: string } | undefined;
  /** Cancels the request; it then fails with code `aborted`. */
  readonly signal?: AbortSignal | undefined;
}

/** Options a caller may pass to one request. */
export interface RequestOptions {
  /** Cancels the request; it then fails with a RosterApiError of code `aborted` (status 0). */
  readonly signal?: AbortSignal | undefined;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
}

/** Sends one request to the API and turns every failure into a RosterApiError. */
export interface Transport {
  /** The parsed JSON body of a 2xx answer. */
  json<T>(spec: RequestSpec): Promise<T>;
  /** For answers without a body (204). */
  send(spec: RequestSpec): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Encodes one path segment (an id) so it can never change the route. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

export function buildUrl(baseUrl: string, path: string, query: Query = {}): string {
  const url = new URL(baseUrl.replace(/\/+$/, "") + path);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
  return url.toString();
}

function noAnswer(err: unknown, baseUrl: string, timeoutMs: number, signal: AbortSignal | undefined): RosterApiError {
  if (signal?.aborted)
    return new RosterApiError({ status: 0, code: "aborted", detail: "The request was aborted", cause: err });
  if (err instanceof Error && err.name === "TimeoutError") {
    return new RosterApiError({
      status: 0,
      code: "timeout",
      detail: `Roster at ${baseUrl} did not answer within ${timeoutMs / 1000} s`,
      cause: err,
    });
  }
  const inner = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const reason = inner instanceof Error ? inner.message : String(inner);
  return new RosterApiError({
    status: 0,
    code: "network_error",
    detail: `Could not reach Roster at ${baseUrl}: ${reason}`,
    cause: err,
  });
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function bodyOf(spec: RequestSpec): { contentType: string; content: string } | undefined {
  if (spec.text !== undefined) return spec.text;
  return spec.body === undefined ? undefined : { contentType: "application/json", content: JSON.stringify(spec.body) };
}

/** The one place the SDK touches the network: bearer auth, JSON in and out, a timeout on every request. */
export function createTransport(options: TransportOptions): Transport {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = { authorization: `Bearer ${options.apiKey}`, accept: "application/json" };

  async function exchange(spec: RequestSpec): Promise<Response> {
    const body = bodyOf(spec);
    let response: Response;
    try {
      response = await doFetch(buildUrl(options.baseUrl, spec.path, spec.query), {
        method: spec.method,
        headers: body ? { ...headers, "content-type": body.contentType } : headers,
        body: body ? body.content : null,
        signal: spec.signal
          ? AbortSignal.any([spec.signal, AbortSignal.timeout(timeoutMs)])
          : AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw noAnswer(err, options.baseUrl, timeoutMs, spec.signal);
    }
    if (!response.ok) {
      throw errorFromResponse(
        response.status,
        response.statusText,
        await readJson(response),
        response.headers.get("x-request-id"),
      );
    }
    return response;
  }

  return Object.freeze({
    async json<T>(spec: RequestSpec): Promise<T> {
      const response = await exchange(spec);
      try {
        // The server's response schemas define T; the SDK trusts them rather than re-validating.
        return (await response.json()) as T;
      } catch (err) {
        // Cancelled or timed out while the body was still arriving.
        if (err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError"))
          throw noAnswer(err, options.baseUrl, timeoutMs, spec.signal);
        throw err;
      }
    },
    async send(spec: RequestSpec): Promise<void> {
      const response = await exchange(spec);
      await response.body?.cancel();
    },
  });
}
