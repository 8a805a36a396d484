/**
 * Okta's rate-limit headers: `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
 * `X-Rate-Limit-Reset` (when the window resets, in epoch seconds). The wait is reckoned against
 * the answer's own `Date` when it has one, so a skewed local clock neither stalls nor hurries a run.
 */
export interface RateLimitState {
  readonly limit: number | null;
  readonly remaining: number | null;
  /** Milliseconds until the window resets, by the server's clock; null when not said. */
  readonly resetInMs: number | null;
}

function integer(value: string | null): number | null {
  const text = value?.trim() ?? "";
  return /^\d+$/.test(text) ? Number(text) : null;
}

export function readRateLimit(headers: Headers, localNow: number = Date.now()): RateLimitState {
  const reset = integer(headers.get("x-rate-limit-reset"));
  const date = Date.parse(headers.get("date") ?? "");
  const now = Number.isNaN(date) ? localNow : date;
  return {
    limit: integer(headers.get("x-rate-limit-limit")),
    remaining: integer(headers.get("x-rate-limit-remaining")),
    resetInMs: reset === null ? null : Math.max(0, reset * 1000 - now),
  };
}

/** How long to wait after a 429 before trying again: until the reset (plus a little), or a doubling backoff. */
export function throttledWaitMs(state: RateLimitState, attempt: number, maxMs: number): number {
  // The Date header has whole seconds: the reset may be up to a second nearer than it looks.
  const wait = state.resetInMs === null ? 1000 * 2 ** attempt : state.resetInMs + 250;
  return Math.min(maxMs, Math.max(0, wait));
}

/**
 * How long to pause before the next request so as not to meet a 429 at all: when the window is
 * nearly spent (at most 5 % of the limit, or one request, left), wait for its reset; else not.
 */
export function paceWaitMs(state: RateLimitState, maxMs: number): number {
  if (state.remaining === null || state.resetInMs === null) return 0;
  const reserve = Math.max(1, Math.floor((state.limit ?? 0) * 0.05));
  if (state.remaining > reserve) return 0;
  return Math.min(maxMs, state.resetInMs + 250);
}
