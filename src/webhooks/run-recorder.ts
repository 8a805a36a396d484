import type { ClaimedRun } from "./delivery-claim.js";
import { type Attempt, type OutcomeDeps, recordDelivered, recordRun } from "./delivery-outcome.js";

/**
 * Records a run as it goes rather than once it is over: delivered attempts are written as they
 * come back, those that arrive while a write is in flight together in the next one (a receiver
 * that answers fast costs one transaction per batch, not per delivery). The sender waits while
 * too many wait to be written, so a crash leaves at most that many sent but unrecorded.
 */
export function createRunRecorder(deps: OutcomeDeps, run: ClaimedRun) {
  const recorded = new Set<string>();
  let queue: { attempt: Attempt; resolve(): void; reject(err: unknown): void }[] = [];
  let writing: Promise<void> | null = null;

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await recordDelivered(deps, run, batch.map((q) => q.attempt));
      } catch (err) {
        for (const q of batch) q.reject(err);
        continue;
      }
      for (const q of batch) {
        recorded.add(q.attempt.claim.delivery.id);
        q.resolve();
      }
    }
  }

  return {
    /** A delivered attempt, written soon: resolves once it is, rejects if that failed (the run then stops). */
    delivered(attempt: Attempt): Promise<void> {
      if (attempt.result.kind !== "delivered") return Promise.resolve();
      const written = new Promise<void>((resolve, reject) => queue.push({ attempt, resolve, reject }));
      writing ??= drain().finally(() => {
        writing = null;
      });
      return written;
    },

    /** Once the run is over: records the attempts not written yet and gives back what was never sent. */
    async finish(attempts: readonly Attempt[]): Promise<void> {
      while (writing) await writing;
      const rest = attempts.filter((a) => !recorded.has(a.claim.delivery.id));
      const tried = new Set(attempts.map((a) => a.claim.delivery.id));
      const unsent = run.deliveries.filter((c) => !recorded.has(c.delivery.id) && !tried.has(c.delivery.id));
      await recordRun(deps, run, rest, unsent);
    },
  };
}
