/**
 * The worker loop's sleep: up to the given time, ending early on `wake()` or abort; a wake while
 * a pass runs skips the next nap. Passes start at least `minGapMs` apart, so a stream of wake-ups
 * (one per commit that wrote events) batches into one pass every few ms, not one per event.
 */
export function createWaker(signal: AbortSignal, minGapMs: number) {
  let pending = false;
  let interrupt: (() => void) | null = null;
  let lastPass = Number.NEGATIVE_INFINITY;

  function sleep(ms: number, interruptible: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (interrupt === done) interrupt = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      if (interruptible) interrupt = done;
    });
  }

  return {
    wake(): void {
      pending = true;
      interrupt?.();
    },
    async nap(idleMs: number): Promise<void> {
      if (!pending && !signal.aborted) await sleep(idleMs, true);
      const wait = lastPass + minGapMs - performance.now();
      if (wait > 0 && !signal.aborted) await sleep(wait, false);
      // Wakes until now are served by the pass about to start.
      pending = false;
      lastPass = performance.now();
    },
  };
}
