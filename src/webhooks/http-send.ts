import { Worker } from "node:worker_threads";
import { refusalMessage } from "../outbound/outbound-policy.js";
import { EMBEDDED_IPV4_RANGES } from "../outbound/embedded-ipv4.js";
import { SPECIAL_RANGES } from "../outbound/special-addresses.js";
import { HTTP_SEND_THREAD_SOURCE } from "./http-send-thread.js";

/** What the sender thread refuses, and in which words (`{address}` stands for the address). */
function guardData() {
  const kinds = [...new Set(SPECIAL_RANGES.map((range) => range.kind))];
  return {
    ranges: SPECIAL_RANGES,
    embedded: EMBEDDED_IPV4_RANGES,
    refusals: Object.fromEntries(kinds.map((kind) => [kind, refusalMessage("{address}", kind, "endpoint")])),
  };
}

/** At most this much of a receiver's answer is kept in the attempt log. */
export const EXCERPT_BYTES = 1024;

export type SendOutcome =
  | { readonly kind: "delivered"; readonly status: number; readonly excerpt: string | null; readonly latencyMs: number }
  | {
      readonly kind: "failed";
      readonly status: number | null;
      readonly excerpt: string | null;
      readonly error: string;
      readonly latencyMs: number;
    }
  /** The worker is shutting down: not the receiver's failure, so it does not count against it. */
  | { readonly kind: "interrupted"; readonly latencyMs: number };

/** One signed webhook POST. */
export interface OutgoingRequest {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Whether it may reach special addresses (see `outboundPolicy`); refused otherwise, at connect time. */
  readonly allowPrivate: boolean;
}

export interface RunOptions {
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** No request starts that could end later than this after the run's start (the claim's lease). */
  readonly budgetMs: number;
  /** Shutdown: cuts the request in flight at once. */
  readonly signal: AbortSignal;
  /** Draining: no request starts after this aborts; the one in flight finishes. */
  readonly finish?: AbortSignal;
  /** Hears of each request as it is done, instead of only when the whole run is. */
  readonly progress?: RunProgress;
}

/**
 * Progress of a run as it goes: each request's outcome in order, and a bound on how far sending
 * may run ahead of recording. A request is sent only while fewer than `window` done ones wait for
 * the promise `onSent` returned for them.
 */
export interface RunProgress {
  readonly window: number;
  /** Resolves once the outcome is recorded; a rejection stops the run (as an abort does). */
  onSent(sent: SentRequest, index: number): Promise<void>;
}

/** A request that was sent: what came of it, and when it started (ms after the run's first). */
export interface SentRequest {
  readonly offsetMs: number;
  readonly outcome: SendOutcome;
}

/** Sends runs of webhook POSTs (see `startRunSender`). */
export interface RunSender {
  /**
   * POSTs `requests` in order, one at a time; stops after the first one not delivered, on
   * abort, or before one the budget might not cover. Returns what was sent, in order.
   */
  sendRun(requests: readonly OutgoingRequest[], options: RunOptions): Promise<SentRequest[]>;
  close(): Promise<void>;
}

interface Waiting {
  resolve(sent: SentRequest[]): void;
  reject(error: Error): void;
  progress(index: number, sent: SentRequest): void;
}

type ThreadMessage =
  | { type: "sent"; id: number; sent: SentRequest[] }
  | { type: "progress"; id: number; index: number; sent: SentRequest };

/**
 * Sends from a thread of its own (`http-send-thread.ts`), on kept-alive connections. An
 * endpoint's deliveries go out one at a time, so on the serving thread each one waited a turn of
 * an event loop busy with API requests: under SCIM load that capped delivery far below the rate
 * events were written. Here a run costs the serving thread two messages. The thread starts on
 * first use, is started again if it dies, and does not keep the process alive while idle.
 */
export function startRunSender(): RunSender {
  let thread: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, Waiting>();

  function failAll(error: Error): void {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  }

  function ensureThread(): Worker {
    if (thread) return thread;
    const started = new Worker(HTTP_SEND_THREAD_SOURCE, { eval: true, workerData: guardData() });
    started.unref();
    started.on("message", (message: ThreadMessage) => {
      const w = waiting.get(message.id);
      if (message.type === "progress") return w?.progress(message.index, message.sent);
      waiting.delete(message.id);
      if (waiting.size === 0) started.unref();
      w?.resolve(message.sent);
    });
    started.on("error", (error) => failAll(error));
    started.on("exit", (code) => {
      if (thread === started) thread = null;
      failAll(new Error(`the webhook sender thread exited (${code})`));
    });
    thread = started;
    return started;
  }

  return {
    sendRun(requests, { timeoutMs, budgetMs, signal, finish, progress }) {
      if (requests.length === 0 || signal.aborted) return Promise.resolve([]);
      const worker = ensureThread();
      const id = next++;
      return new Promise<SentRequest[]>((resolve, reject) => {
        const abort = () => worker.postMessage({ type: "abort", id });
        const wind = () => worker.postMessage({ type: "finish", id });
        signal.addEventListener("abort", abort, { once: true });
        if (finish?.aborted) wind();
        else finish?.addEventListener("abort", wind, { once: true });
        const done = () => {
          signal.removeEventListener("abort", abort);
          finish?.removeEventListener("abort", wind);
        };
        waiting.set(id, {
          resolve: (sent) => {
            done();
            resolve(sent);
          },
          reject: (error) => {
            done();
            reject(error);
          },
          progress: (index, sent) => {
            progress?.onSent(sent, index).then(
              () => worker.postMessage({ type: "ack", id, count: index + 1 }),
              () => abort(),
            );
          },
        });
        worker.ref();
        worker.postMessage({ type: "send", id, requests, timeoutMs, budgetMs, window: progress?.window ?? 0 });
      });
    },
    async close() {
      const current = thread;
      thread = null;
      await current?.terminate();
    },
  };
}
