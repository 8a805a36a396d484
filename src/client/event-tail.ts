import { RosterApiError } from "./errors.js";
import type { RosterEvent } from "./event-types.js";
import type { EventListParams, EventTailParams } from "./events.js";
import type { RequestOptions } from "./http.js";
import type { List } from "./types.js";

/** Poll interval bounds of {@link TailOptions.intervalMs}. */
export const TAIL_INTERVAL_MS = { default: 1_000, min: 10, max: 600_000 } as const;
/** Transient failures are retried after the interval, doubling up to this (or the interval, if longer). */
const MAX_RETRY_DELAY_MS = 30_000;

export interface TailOptions {
  /** Ends the tail: a pending poll or wait stops at once and the loop simply finishes. */
  readonly signal?: AbortSignal | undefined;
  /** How long to wait before asking again once caught up: 10 to 600 000 ms, 1 000 by default. */
  readonly intervalMs?: number | undefined;
  /**
   * Where to begin when `after` is not given: `latest` (default) skips the events already
   * written and yields only new ones; `start` yields the whole history first.
   */
  readonly from?: "latest" | "start" | undefined;
  /** Told about each transient failure (no answer, 429, 5xx) before it is retried. */
  readonly onError?: ((error: RosterApiError, retryInMs: number) => void) | undefined;
  /**
   * Called once the starting point is known, before the first poll: the id after which events
   * will be yielded (undefined: from the very first event). Events written from now on are not missed.
   */
  readonly onReady?: ((after: string | undefined) => void) | undefined;
}

type EventLister = (params: EventListParams, options: RequestOptions) => Promise<List<RosterEvent>>;

/** Waits `ms`; false when the signal aborted first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function isTransient(err: unknown): err is RosterApiError {
  return (
    err instanceof RosterApiError &&
    (err.code === "network_error" || err.code === "timeout" || err.status === 429 || err.status >= 500)
  );
}

function checkInterval(ms: number): number {
  if (!Number.isInteger(ms) || ms < TAIL_INTERVAL_MS.min || ms > TAIL_INTERVAL_MS.max) {
    throw new RangeError(
      `intervalMs must be an integer from ${TAIL_INTERVAL_MS.min} to ${TAIL_INTERVAL_MS.max}, got ${ms}`,
    );
  }
  return ms;
}

/**
 * The poller behind `events.tail`: reads pages oldest first after a cursor it keeps (the last
 * event yielded), at once while pages are full, every `intervalMs` once caught up. Because the
 * feed never skips, following the last id seen misses nothing. A bad interval throws
 * here, at the call, rather than on the first `next()`.
 */
export function tailEvents(
  list: EventLister,
  params: EventTailParams,
  options: TailOptions,
): AsyncGenerator<RosterEvent, void, undefined> {
  return poll(list, params, options, checkInterval(options.intervalMs ?? TAIL_INTERVAL_MS.default));
}

async function* poll(
  list: EventLister,
  params: EventTailParams,
  options: TailOptions,
  interval: number,
): AsyncGenerator<RosterEvent, void, undefined> {
  const { signal } = options;
  const { after: start, limit = 100, ...filters } = params;

  /** One request, retried while it fails transiently; undefined once aborted. */
  async function fetchPage(request: EventListParams): Promise<List<RosterEvent> | undefined> {
    for (let failures = 0; ; failures++) {
      if (signal?.aborted) return undefined;
      try {
        return await list(request, { signal });
      } catch (err) {
        if (signal?.aborted) return undefined;
        if (!isTransient(err)) throw err;
        const delay = Math.min(interval * 2 ** failures, Math.max(interval, MAX_RETRY_DELAY_MS));
        options.onError?.(err, delay);
        if (!(await sleep(delay, signal))) return undefined;
      }
    }
  }

  let after = start;
  if (after === undefined && (options.from ?? "latest") === "latest") {
    const newest = await fetchPage({ ...filters, order: "desc", limit: 1 });
    if (newest === undefined) return;
    after = newest.data[0]?.id;
  }
  options.onReady?.(after);
  for (;;) {
    const page = await fetchPage({ ...filters, after, limit, order: "asc" });
    if (page === undefined) return;
    for (const event of page.data) {
      after = event.id;
      yield event;
      if (signal?.aborted) return;
    }
    if (page.list_metadata.after === null && !(await sleep(interval, signal))) return;
  }
}
