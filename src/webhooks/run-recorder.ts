import type { ClaimedRun } from "./delivery-claim.js";
import { type Attempt, type OutcomeDeps, recordDelivered, recordRun } from "./delivery-outcome.js";

/** Successes written together once this many wait… */
const FLUSH_AT = 16;
/** …or once the first of them has waited this long. */
const FLUSH_AFTER_MS = 20;

interface Queued {
  readonly attempt: Attempt;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Records a run as it goes rather than once it is over: delivered attempts are written as they
 * come back, in batches (16, or what came within 20 ms), so a receiver that answers fast costs a
 * transaction per batch, not per delivery, and SCIM writes beside it keep their turn at the
 * database. The sender waits while too many wait to be written (`unrecordedMax`), so a crash
 * leaves at most that many sent but unrecorded.
 */
export function createRunRecorder(deps: OutcomeDeps, run: ClaimedRun) {
  const recorded = new Set<string>();
  let queue: Queued[] = [];
  let writing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function writeBatch(batch: readonly Queued[]): Promise<void> {
    try {
      await recordDelivered(
        deps,
        run,
        batch.map((q) => q.attempt),
      );
    } catch (err) {
      for (const q of batch) q.reject(err);
      return;
    }
    for (const q of batch) {
      recorded.add(q.attempt.claim.delivery.id);
      q.resolve();
    }
  }

  function flushNow(): void {
    clearTimeout(timer);
    timer = undefined;
    if (writing || queue.length === 0) return;
    const batch = queue;
    queue = [];
    writing = writeBatch(batch).finally(() => {
      writing = null;
      schedule();
    });
  }

  function schedule(): void {
    if (writing || queue.length === 0) return;
    if (queue.length >= FLUSH_AT) flushNow();
    else timer ??= setTimeout(flushNow, FLUSH_AFTER_MS);
  }

  return {
    /** A delivered attempt, written soon: resolves once it is, rejects if that failed (the run then stops). */
    delivered(attempt: Attempt): Promise<void> {
      if (attempt.result.kind !== "delivered") return Promise.resolve();
      const written = new Promise<void>((resolve, reject) => queue.push({ attempt, resolve, reject }));
      schedule();
      return written;
    },

    /** Once the run is over: writes what waits, records the attempts not written yet and gives back what was never sent. */
    async finish(attempts: readonly Attempt[]): Promise<void> {
      for (;;) {
        flushNow();
        if (!writing) break;
        await writing;
      }
      const rest = attempts.filter((a) => !recorded.has(a.claim.delivery.id));
      const tried = new Set(attempts.map((a) => a.claim.delivery.id));
      const unsent = run.deliveries.filter((c) => !recorded.has(c.delivery.id) && !tried.has(c.delivery.id));
      await recordRun(deps, run, rest, unsent);
    },
  };
}
