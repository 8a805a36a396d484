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

export type FetchLike = typeof fetch;

/** Reads at most EXCERPT_BYTES of the body, then lets the rest go. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
  // A multi-byte character cut at the limit decodes to U+FFFD: drop it rather than store noise.
  const text = new TextDecoder().decode(bytes).replace(/\uFFFD+$/, "");
  return text === "" ? null : text;
}

function describe(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : null;
  const code = cause && "code" in cause ? String(cause.code) : null;
  const message = cause?.message ?? (error instanceof Error ? error.message : String(error));
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * One POST: 2xx is success, anything else (redirects included: they are not followed, a
 * receiver must answer itself) a failure. The per-request timeout and the shutdown signal
 * both abort it.
 */
export async function sendWebhook(request: SendRequest, fetchImpl: FetchLike = fetch): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const response = await fetchImpl(request.url, {
      method: "POST",
      body: request.body,
      headers: { "content-type": "application/json", "user-agent": "Roster-Webhooks/1", ...request.headers },
      redirect: "manual",
      signal: AbortSignal.any([request.signal, timeout]),
    });
    const excerpt = await readExcerpt(response).catch(() => null);
    const latencyMs = latency();
    if (response.status >= 200 && response.status < 300) return { kind: "delivered", status: response.status, excerpt, latencyMs };
    return { kind: "failed", status: response.status, excerpt, error: `HTTP ${response.status}`, latencyMs };
  } catch (error) {
    if (request.signal.aborted) return { kind: "interrupted", latencyMs: latency() };
    return { kind: "failed", status: null, excerpt: null, error: describe(error, timeout.aborted, request.timeoutMs), latencyMs: latency() };
  }
}
