import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import {
  type AddressClassifier,
  type GuardOptions,
  guardedLookup,
  type Resolver,
  refuseLiteralHost,
} from "./guarded-lookup.js";
import { currentOutboundPolicy, type OutboundPolicy } from "./outbound-policy.js";

/** `fetch`'s options, and the policy to apply instead of the one in force (`withOutboundPolicy`). */
export interface OutboundInit extends RequestInit {
  readonly policy?: OutboundPolicy | undefined;
}

export type OutboundFetch = (input: string | URL, init?: OutboundInit) => Promise<Response>;

export interface OutboundFetchOptions {
  /** Tests: which addresses count as special, and how names resolve. */
  readonly classify?: AddressClassifier | undefined;
  readonly resolve?: Resolver | undefined;
}

const MAX_REDIRECTS = 20;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
/** Credentials a redirect to another origin must not carry (as fetch does). */
const ORIGIN_BOUND_HEADERS = ["authorization", "cookie", "proxy-authorization"];

interface Agents {
  readonly "http:": HttpAgent;
  readonly "https:": HttpsAgent;
}

interface Outgoing {
  readonly method: string;
  readonly headers: Headers;
  readonly body: Buffer | null;
}

/** The method, headers and body bytes of `init`, normalized as fetch would (a URLSearchParams body sets its content type). */
async function outgoingOf(url: URL, init: RequestInit): Promise<Outgoing> {
  const request = new Request(url, {
    method: init.method,
    headers: init.headers,
    body: init.body,
    ...(init.body ? { duplex: "half" } : {}),
  } as RequestInit);
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
  return { method: request.method, headers: request.headers, body };
}

function toResponse(res: IncomingMessage, method: string, url: URL, redirected: boolean): Response {
  const headers = new Headers();
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
    headers.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
  const status = res.statusCode ?? 0;
  const empty = method === "HEAD" || NULL_BODY_STATUSES.has(status);
  if (empty) res.resume();
  const body = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
  const response = new Response(body, { status, statusText: res.statusMessage ?? "", headers });
  Object.defineProperty(response, "url", { value: url.toString() });
  Object.defineProperty(response, "redirected", { value: redirected });
  return response;
}

/**
 * `fetch`, over node:http(s) agents whose connections are checked where they are made: a host
 * name's resolved address (guarded lookup) and an IP literal alike, on the first request and on
 * every redirect followed. Errors are fetch's: a TypeError whose `cause` says why (an
 * `OutboundRefusedError` for a refused address), or the signal's reason.
 */
export function createOutboundFetch(options: OutboundFetchOptions = {}): OutboundFetch {
  const agentsByPolicy = new Map<string, Agents>();

  function agentsFor(guard: GuardOptions): Agents {
    const key = `${guard.policy.allowPrivate}:${guard.policy.subject}`;
    let agents = agentsByPolicy.get(key);
    if (!agents) {
      const lookup = guardedLookup(guard);
      agents = {
        "http:": new HttpAgent({ keepAlive: true, lookup }),
        "https:": new HttpsAgent({ keepAlive: true, lookup }),
      };
      agentsByPolicy.set(key, agents);
    }
    return agents;
  }

  function exchange(
    url: URL,
    outgoing: Outgoing,
    guard: GuardOptions,
    signal: AbortSignal | null | undefined,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      try {
        refuseLiteralHost(url.hostname, guard);
      } catch (error) {
        return reject(new TypeError("fetch failed", { cause: error }));
      }
      const protocol = url.protocol as keyof Agents;
      const send = protocol === "https:" ? httpsRequest : httpRequest;
      const headers: Record<string, string> = {};
      outgoing.headers.forEach((value, name) => {
        headers[name] = value;
      });
      if (outgoing.body) headers["content-length"] = String(outgoing.body.length);
      const req = send(url, { method: outgoing.method, headers, agent: agentsFor(guard)[protocol] });
      const onAbort = () => {
        req.destroy();
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (error) => {
        signal?.removeEventListener("abort", onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
      });
      req.on("response", (res) => {
        signal?.removeEventListener("abort", onAbort);
        // A body still streaming when the signal aborts ends with the signal's reason.
        if (signal) {
          const cut = () => res.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
          signal.addEventListener("abort", cut, { once: true });
          res.once("close", () => signal.removeEventListener("abort", cut));
        }
        resolve(res);
      });
      req.end(outgoing.body ?? undefined);
    });
  }

  return async function outboundFetch(input, init = {}) {
    const guard: GuardOptions = {
      policy: init.policy ?? currentOutboundPolicy(),
      classify: options.classify,
      resolve: options.resolve,
    };
    let url = new URL(input);
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new TypeError("fetch failed", { cause: new Error(`${url.protocol} URLs are not fetched`) });
    let outgoing = await outgoingOf(url, init);
    for (let hop = 0; ; hop++) {
      const res = await exchange(url, outgoing, guard, init.signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      const follow = (init.redirect ?? "follow") === "follow";
      if (status < 300 || status >= 400 || status === 304 || !location || init.redirect === "manual")
        return toResponse(res, outgoing.method, url, hop > 0);
      res.resume();
      if (!follow)
        throw new TypeError("fetch failed", { cause: new Error(`redirected (${status}) while redirect is "error"`) });
      if (hop >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error("too many redirects") });
      const next = new URL(location, url);
      if (next.protocol !== "http:" && next.protocol !== "https:")
        throw new TypeError("fetch failed", { cause: new Error(`redirected to a ${next.protocol} URL`) });
      const headers = new Headers(outgoing.headers);
      if (next.origin !== url.origin) for (const name of ORIGIN_BOUND_HEADERS) headers.delete(name);
      // 303, and 301/302 after a POST, continue as a GET without the body (as fetch does).
      const asGet =
        status === 303 ? outgoing.method !== "HEAD" : (status === 301 || status === 302) && outgoing.method === "POST";
      if (asGet) {
        headers.delete("content-type");
        headers.delete("content-length");
      }
      outgoing = asGet ? { method: "GET", headers, body: null } : { ...outgoing, headers };
      url = next;
    }
  };
}

/**
 * The one door for HTTP requests Roster makes to addresses its users configure (pull connectors' APIs and token
 * endpoints). Every connection it opens is checked against the outbound policy in force (see `withOutboundPolicy`):
 * keeping every connector on this one function is what makes the private-network guard hold for all of them.
 */
export const outboundFetch: OutboundFetch = createOutboundFetch();
