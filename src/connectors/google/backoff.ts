import { setTimeout as sleep } from "node:timers/promises";

/** `Retry-After` in ms (delta-seconds, or an HTTP date reckoned against the answer's `Date`), or null. */
export function retryAfterMs(headers: Headers, localNow: number = Date.now()): number | null {
  const value = headers.get("retry-after")?.trim() ?? "";
  if (value === "") return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  const date = Date.parse(headers.get("date") ?? "");
  return Math.max(0, at - (Number.isNaN(date) ? localNow : date));
}

/** The wait before retry `attempt` (0-based): what the answer asked for, else Google's advice, exponential backoff with a little jitter. */
export function backoffMs(attempt: number, retryAfter: number | null, maxMs: number): number {
  const wait = retryAfter ?? 1000 * 2 ** attempt + Math.floor(Math.random() * 250);
  return Math.min(maxMs, Math.max(0, wait));
}

/** Sleeps, but rejects with the run's own reason as soon as it is cancelled. */
export function abortable(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return sleep(ms, undefined, { signal }).catch((error: unknown) => {
    throw signal.aborted ? (signal.reason ?? error) : error;
  });
}
