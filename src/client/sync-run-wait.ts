import { RosterApiError } from "./errors.js";
import type { RequestOptions } from "./http.js";
import type { SyncRun } from "./sync-run-types.js";

/** Poll interval bounds of {@link WaitForRunOptions.intervalMs}. */
export const WAIT_INTERVAL_MS = { default: 1_000, min: 10, max: 600_000 } as const;
/** Transient failures are retried after the interval, doubling up to this (or the interval, if longer). */
const MAX_RETRY_DELAY_MS = 30_000;

export interface WaitForRunOptions {
  /** How long to wait between polls: 10 to 600 000 ms, 1 000 by default. */
  readonly intervalMs?: number | undefined;
  /** Called with the run after every poll, the last (ended) one included. */
  readonly onProgress?: ((run: SyncRun) => void) | undefined;
  /** Told about each transient failure (no answer, 429, 5xx) before it is retried. */
  readonly onError?: ((error: RosterApiError, retryInMs: number) => void) | undefined;
  /** Stops waiting: the promise rejects with a RosterApiError of code `aborted`. The run itself goes on. */
  readonly signal?: AbortSignal | undefined;
}

type RunGetter = (options: RequestOptions) => Promise<SyncRun>;

function aborted(): RosterApiError {
  return new RosterApiError({
    status: 0,
    code: "aborted",
    detail: "Stopped waiting for the sync run; it goes on on the server",
  });
}

function isTransient(err: unknown): err is RosterApiError {
  return (
    err instanceof RosterApiError &&
    (err.code === "network_error" || err.code === "timeout" || err.status === 429 || err.status >= 500)
  );
}

/** Waits `ms`, or rejects as soon as the signal aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function checkInterval(ms: number): number {
  if (!Number.isInteger(ms) || ms < WAIT_INTERVAL_MS.min || ms > WAIT_INTERVAL_MS.max) {
    throw new RangeError(
      `intervalMs must be an integer from ${WAIT_INTERVAL_MS.min} to ${WAIT_INTERVAL_MS.max}, got ${ms}`,
    );
  }
  return ms;
}

/**
 * Polls one run until its state is no longer `running` and returns it (`succeeded`, `failed` or
 * `needs_confirmation`). Transient failures are retried with backoff; others reject.
 */
export async function waitForRun(get: RunGetter, options: WaitForRunOptions = {}): Promise<SyncRun> {
  const interval = checkInterval(options.intervalMs ?? WAIT_INTERVAL_MS.default);
  const { signal } = options;
  for (let failures = 0; ; ) {
    if (signal?.aborted) throw aborted();
    let run: SyncRun;
    try {
      run = await get({ signal });
    } catch (err) {
      if (signal?.aborted) throw aborted();
      if (!isTransient(err)) throw err;
      const delay = Math.min(interval * 2 ** failures++, Math.max(interval, MAX_RETRY_DELAY_MS));
      options.onError?.(err, delay);
      await sleep(delay, signal);
      continue;
    }
    failures = 0;
    options.onProgress?.(run);
    if (run.state !== "running") return run;
    await sleep(interval, signal);
  }
}
