import http, { type ClientRequest, type IncomingMessage } from "node:http";
import https from "node:https";

/** At most this much of a receiver's answer is kept in the attempt log. */
export const EXCERPT_BYTES = 1024;

export type SendOutcome =
  | { readonly kind: "delivered"; readonly status: number; readonly excerpt: string | null; readonly latencyMs: number }
  | { readonly kind: "failed"; readonly status: number | null; readonly excerpt: string | null; readonly error: string; readonly latencyMs: number }
  /** The worker is shutting down: not the receiver's failure, so it does not count against it. */
  | { readonly kind: "interrupted"; readonly latencyMs: number };

export interface SendRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Shutdown: aborts the request at once. */
  readonly signal: AbortSignal;
}

/** Sends webhook POSTs over kept-alive connections. */
export interface WebhookHttpClient {
  send(request: SendRequest): Promise<SendOutcome>;
  /** Closes the idle connections. */
  close(): void;
}

type Answer = { readonly status: number; readonly excerpt: string | null } | { readonly error: NodeJS.ErrnoException; readonly reused: boolean };

/** Keeps at most EXCERPT_BYTES of the body; a longer answer is cut off with its connection. */
function readExcerpt(response: IncomingMessage, done: (excerpt: string | null) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = () => {
    const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
    // A multi-byte character cut at the limit decodes to U+FFFD: drop it rather than store noise.
    const text = bytes.toString("utf8").replace(/\uFFFD+$/, "");
    done(text === "" ? null : text);
  };
  response.on("data", (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size < EXCERPT_BYTES) return;
    response.removeAllListeners("data");
    response.destroy();
    finish();
  });
  response.on("end", finish);
  response.on("error", finish);
}

function describe(error: NodeJS.ErrnoException): string {
  const code = error.code;
  return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

/**
 * Webhook POSTs on `node:http(s)` with keep-alive agents: a delivery reuses its endpoint's
 * connection instead of opening one, and skips `fetch`'s web-stream layers (a quarter of a
 * delivery's CPU). 2xx is success, anything else (redirects included: they are not followed,
 * a receiver must answer itself) a failure. The timeout covers the whole exchange.
 */
export function createWebhookHttpClient(maxSockets = 16): WebhookHttpClient {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxSockets, scheduling: "lifo" }),
    "https:": new https.Agent({ keepAlive: true, maxSockets, scheduling: "lifo" }),
  };

  function exchange(url: URL, request: SendRequest, timeout: AbortSignal): Promise<Answer> {
    return new Promise((resolve) => {
      let settled = false;
      let req: ClientRequest | null = null;
      const settle = (answer: Answer) => {
        if (settled) return;
        settled = true;
        request.signal.removeEventListener("abort", stop);
        timeout.removeEventListener("abort", stop);
        resolve(answer);
      };
      const stop = () => req?.destroy(new Error("aborted"));
      const agent = url.protocol === "https:" ? agents["https:"] : agents["http:"];
      const transport = url.protocol === "https:" ? https : http;
      req = transport.request(url, {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(request.body), "user-agent": "Roster-Webhooks/1", ...request.headers },
      });
      req.on("response", (response) => readExcerpt(response, (excerpt) => settle({ status: response.statusCode ?? 0, excerpt })));
      req.on("error", (error) => settle({ error, reused: req?.reusedSocket ?? false }));
      request.signal.addEventListener("abort", stop, { once: true });
      timeout.addEventListener("abort", stop, { once: true });
      if (request.signal.aborted || timeout.aborted) stop();
      req.end(request.body);
    });
  }

  return {
    async send(request) {
      const timeout = AbortSignal.timeout(request.timeoutMs);
      const started = performance.now();
      const latency = () => Math.round((performance.now() - started) * 10) / 10;
      const url = new URL(request.url);
      let answer = await exchange(url, request, timeout);
      // A kept-alive connection the receiver closed just as it was reused: send once more on a fresh one.
      if ("error" in answer && answer.reused && !request.signal.aborted && !timeout.aborted && ["ECONNRESET", "EPIPE"].includes(answer.error.code ?? "")) {
        answer = await exchange(url, request, timeout);
      }
      if ("status" in answer) {
        if (answer.status >= 200 && answer.status < 300) return { kind: "delivered", status: answer.status, excerpt: answer.excerpt, latencyMs: latency() };
        return { kind: "failed", status: answer.status, excerpt: answer.excerpt, error: `HTTP ${answer.status}`, latencyMs: latency() };
      }
      if (request.signal.aborted) return { kind: "interrupted", latencyMs: latency() };
      if (timeout.aborted) return { kind: "failed", status: null, excerpt: null, error: `timed out after ${request.timeoutMs} ms`, latencyMs: latency() };
      return { kind: "failed", status: null, excerpt: null, error: describe(answer.error), latencyMs: latency() };
    },
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}
