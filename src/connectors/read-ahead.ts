/**
 * `work(item)` for each item, up to `depth` of them in flight ahead of the consumer, results in
 * the items' order. Requests to the provider overlap with the engine writing the previous
 * result, so a run is bound by the provider, not by Roster. When the consumer stops early (or
 * one fails), the signal given to the work still running is aborted and its failures dropped.
 */
export async function* readAhead<T, R>(
  items: readonly T[],
  depth: number,
  signal: AbortSignal,
  work: (item: T, signal: AbortSignal) => Promise<R>,
): AsyncGenerator<R> {
  const stop = new AbortController();
  const linked = AbortSignal.any([signal, stop.signal]);
  const pending: Promise<R>[] = [];
  let next = 0;
  const fill = () => {
    while (next < items.length && pending.length < depth) {
      const started = work(items[next++] as T, linked);
      // Awaited below in order; until then, a failure must not be an unhandled rejection.
      started.catch(() => undefined);
      pending.push(started);
    }
  };
  try {
    fill();
    while (pending.length > 0) {
      const result = await (pending.shift() as Promise<R>);
      fill();
      yield result;
    }
  } finally {
    stop.abort(new Error("read-ahead no longer needed"));
  }
}
