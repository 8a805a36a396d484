import { setTimeout as sleep } from "node:timers/promises";

/** Slots of the shared buffer. */
const WAITING = 0;
const COMMITS = 1;

/** How long the serving thread keeps retrying a statement SQLite refused as busy. */
const SERVING_PATIENCE_MS = 10_000;
/** Longest wait for a commit notice before trying again anyway (another process's writer sends none). */
const RETRY_EVERY_MS = 5;
/** Longest a background writer gives way in one go, so a stream of requests cannot starve it. */
const GIVE_WAY_MAX_MS = 200;

/** `Atomics.waitAsync` (in Node since 16; typed only from lib ES2024). */
type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/** Whether better-sqlite3 refused a statement because another connection holds the write lock. */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * SQLite has one writer at a time. A connection on the serving thread must never block its event
 * loop waiting for the lock (better-sqlite3 is synchronous, so `busy_timeout` would sleep the whole
 * thread), so it runs with no busy timeout and retries a refused statement asynchronously. A
 * background connection (a sync run's thread) may block, and waits in SQLite's busy handler.
 *
 * Between the two, in one process, a turnstile in shared memory keeps the serving thread from
 * starving: it says that it is waiting, and the background writer, before each transaction, gives
 * way until the serving thread has its turn; each background commit wakes the waiting serving
 * thread at once instead of at its next retry. Writers in other processes only get the retries.
 */
export class WriterTurnstile {
  readonly #slots: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(8)) {
    this.#slots = new Int32Array(buffer);
  }

  /** Serving side: runs `attempt`, retrying it while SQLite answers busy, without blocking the thread. */
  async retryWhileBusy<T>(attempt: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + SERVING_PATIENCE_MS;
    let waiting = false;
    try {
      for (;;) {
        const commitsBefore = Atomics.load(this.#slots, COMMITS);
        try {
          return await attempt();
        } catch (error) {
          if (!isBusy(error) || Date.now() >= deadline) throw error;
        }
        if (!waiting) {
          waiting = true;
          Atomics.add(this.#slots, WAITING, 1);
        }
        await this.#commitAfter(commitsBefore);
      }
    } finally {
      if (waiting) {
        Atomics.sub(this.#slots, WAITING, 1);
        Atomics.notify(this.#slots, WAITING);
      }
    }
  }

  /** Background side, before a transaction: waits (blocking this thread) while the serving thread waits for the lock. */
  giveWay(): void {
    const until = Date.now() + GIVE_WAY_MAX_MS;
    for (let waiting = Atomics.load(this.#slots, WAITING); waiting > 0; waiting = Atomics.load(this.#slots, WAITING)) {
      const left = until - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.#slots, WAITING, waiting, left);
    }
  }

  /** Background side, after each commit: wakes a serving thread that waits for the lock. */
  committed(): void {
    Atomics.add(this.#slots, COMMITS, 1);
    Atomics.notify(this.#slots, COMMITS);
  }

  async #commitAfter(commitsBefore: number): Promise<void> {
    if (Atomics.load(this.#slots, COMMITS) !== commitsBefore) return;
    const wait = waitAsync(this.#slots, COMMITS, commitsBefore, RETRY_EVERY_MS);
    if (wait.async) await wait.value;
    else if (wait.value === "timed-out") await sleep(1);
  }
}

/** One turnstile per database file in this process: the serving connection and its background threads share it. */
const turnstiles = new Map<string, WriterTurnstile>();

export function turnstileFor(file: string): WriterTurnstile {
  let turnstile = turnstiles.get(file);
  if (!turnstile) {
    turnstile = new WriterTurnstile();
    turnstiles.set(file, turnstile);
  }
  return turnstile;
}
