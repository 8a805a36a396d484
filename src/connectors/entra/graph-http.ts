import { setTimeout as sleep } from "node:timers/promises";
import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { discardBody, readJsonBody } from "../json-body.js";
import { SourceError } from "../source.js";
import type { TokenSource } from "./entra-token.js";

/** What a non-JSON answer most often means: the Graph URL setting names something else. */
const GRAPH_HINT = "; is graph_url Microsoft Graph's base?";

export type Query = Readonly<Record<string, string | number>>;
export type Target = string | { readonly path: string; readonly query: Query };

export interface GraphHttpOptions {
  /** Graph's base with its version, e.g. `https://graph.microsoft.com/v1.0`. */
  readonly baseUrl: string;
  readonly tokens: TokenSource;
  /** Per request, from sending it to the last byte of its body. */
  readonly timeoutMs: number;
  /** Retries of a 429, 503 or 504 answer (default 6). */
  readonly retries?: number | undefined;
  /** The longest wait honoured for one `Retry-After` or backoff, in ms (default 150 s). */
  readonly maxWaitMs?: number | undefined;
}

export interface GraphPage {
  readonly body: Record<string, unknown>;
  /** `@odata.nextLink`, when there is one. */
  readonly next: string | null;
  /** `@odata.deltaLink`, on the last page of a delta round. */
  readonly deltaLink: string | null;
}

/** GETs against Microsoft Graph with a bearer token; every failure is a `SourceError` that never names a secret. */
export interface GraphHttp {
  /** `path` (under the base, with `query`) or a next or delta link as Graph gave it (same origin only). */
  get(target: Target, signal: AbortSignal): Promise<GraphPage>;
  /** As `get`, or null when Graph answers 404 (no such object). */
  getIfFound(target: Target, signal: AbortSignal): Promise<GraphPage | null>;
}

/** `$select=a,b` stays readable: query option names keep their `$`, values are encoded. */
export function urlOf(base: string, path: string, query: Query): string {
  const qs = Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join("&");
  return `${base}${path}${qs ? `?${qs}` : ""}`;
}

/** The application permission a read of this path needs, for the message of a 403. */
export function permissionFor(pathname: string): string {
  if (/\/groups\/[^/]+\/(?:members|transitiveMembers|transitiveMemberOf)/.test(pathname)) return "GroupMember.Read.All";
  if (/\/groups(?:\/|$)/.test(pathname)) return "Group.Read.All";
  return "User.Read.All";
}

/** Graph's error object (`{ error: { code, message } }`), or "". */
export function graphErrorOf(body: unknown): { code: string; message: string } {
  const error = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof error !== "object" || error === null) return { code: "", message: "" };
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    code: typeof code === "string" ? code.slice(0, 60) : "",
    message: typeof message === "string" ? message.slice(0, 300) : "",
  };
}

/** `Retry-After` in seconds (Graph's form) or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function abortable(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return sleep(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal.aborted ? (signal.reason ?? error) : error;
  });
}

/** A refusal by Graph: the status and Graph's own error code and message, for the test action's words. */
export class GraphError extends SourceError {
  constructor(
    reason: SourceError["reason"],
    message: string,
    status: number,
    readonly graph: { readonly code: string; readonly message: string },
  ) {
    super(reason, message, { status });
  }
}

function failureOf(status: number, body: unknown, where: string, pathname: string): GraphError {
  const graph = graphErrorOf(body);
  const { code, message } = graph;
  const said = message ? `: ${message}${code ? ` (${code})` : ""}` : code ? ` (${code})` : "";
  const fail = (reason: SourceError["reason"], text: string) => new GraphError(reason, text, status, graph);
  if (status === 401)
    return fail("invalid_credentials", `${where} answered 401${said}: Graph refused the access token`);
  if (status === 403) {
    const permission = permissionFor(pathname);
    return fail(
      "invalid_credentials",
      `${where} answered 403${said}: ${permission} not granted (nor Directory.Read.All), or admin consent is missing`,
    );
  }
  if (status === 404)
    return fail(
      "misconfigured",
      `${where} answered 404${said}; is graph_url Microsoft Graph's base (https://graph.microsoft.com/v1.0)?`,
    );
  if (status >= 500 || status === 429) return fail("unreachable", `${where} answered ${status}${said}`);
  return fail("bad_response", `${where} answered ${status}${said}`);
}

/** A Microsoft Graph client over the global fetch (undici keeps connections alive). */
export function createGraphHttp(options: GraphHttpOptions): GraphHttp {
  const base = options.baseUrl;
  const origin = new URL(base).origin;
  const retries = options.retries ?? 6;
  const maxWaitMs = options.maxWaitMs ?? 150_000;

  function resolve(target: Target): URL {
    if (typeof target !== "string") return new URL(urlOf(base, target.path, target.query));
    let url: URL;
    try {
      url = new URL(target);
    } catch (error) {
      throw new SourceError("bad_response", `Graph gave a link that is not a URL: ${target.slice(0, 200)}`, {
        cause: error,
      });
    }
    // The bearer token goes wherever the link points: only ever to the Graph it was asked of.
    if (url.origin !== origin)
      throw new SourceError("bad_response", `Graph gave a link to ${url.origin}, not ${origin}; not followed`);
    return url;
  }

  async function request(target: Target, signal: AbortSignal, missingOk: boolean): Promise<GraphPage | null> {
    const url = resolve(target);
    const where = `GET ${url.origin}${url.pathname}`;
    let renewed = false;
    for (let attempt = 0; ; ) {
      const token = await options.tokens.get(signal);
      const attemptSignal = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
      let response: Response;
      try {
        response = await outboundFetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: "application/json" },
          signal: attemptSignal,
          redirect: "manual",
        });
      } catch (error) {
        throw fetchFailure(error, where, signal, options.timeoutMs);
      }
      const status = response.status;
      if ((status === 429 || status === 503 || status === 504) && attempt < retries) {
        // Graph's throttling guidance: wait what Retry-After says, then go on where the run was.
        const wait = retryAfterMs(response.headers.get("retry-after")) ?? 1000 * 2 ** attempt;
        await discardBody(response);
        await abortable(Math.min(maxWaitMs, wait), signal);
        attempt++;
        continue;
      }
      if (status === 401 && !renewed) {
        // The token expired (or was revoked) mid-run: one new token, the same request again.
        await discardBody(response);
        options.tokens.invalidate(token);
        renewed = true;
        continue;
      }
      if (status === 404 && missingOk) {
        await discardBody(response);
        return null;
      }
      if (status >= 300 && status < 400) {
        await discardBody(response);
        throw new SourceError(
          "misconfigured",
          `${where} answered ${status}, a redirect; set graph_url to Graph's base`,
        );
      }
      if (!response.ok) {
        const failure = failureOf(
          status,
          await readJsonBody(response, where, signal, options.timeoutMs, GRAPH_HINT).catch(() => null),
          where,
          url.pathname,
        );
        if (status === 429 || status === 503)
          throw new SourceError("unreachable", `${failure.message} (still throttled after ${retries} retries)`);
        throw failure;
      }
      const body = await readJsonBody(response, where, signal, options.timeoutMs, GRAPH_HINT);
      if (typeof body !== "object" || body === null || Array.isArray(body))
        throw new SourceError("bad_response", `${where} returned JSON that is not an object`);
      const record = body as Record<string, unknown>;
      const link = (key: string) => (typeof record[key] === "string" ? (record[key] as string) : null);
      return { body: record, next: link("@odata.nextLink"), deltaLink: link("@odata.deltaLink") };
    }
  }

  return Object.freeze({
    get: async (target: Target, signal: AbortSignal) => (await request(target, signal, false)) as GraphPage,
    getIfFound: (target: Target, signal: AbortSignal) => request(target, signal, true),
  });
}
