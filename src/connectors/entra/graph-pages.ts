import { SourceError } from "../source.js";
import type { GraphHttp, Target } from "./graph-http.js";

/** Graph's largest page for users, groups and members. */
export const PAGE_TOP = 999;

/** A bound on requests per list, against a Graph (or a stand-in) that never says it is done. */
const MAX_PAGES = 100_000;

/** Where a delta round ended: its `@odata.deltaLink`, set once the last page is read. */
export interface RoundEnd {
  deltaLink: string | null;
}

/**
 * The `value` items of a Graph collection, a page at a time, following `@odata.nextLink` exactly
 * as given (it is opaque and carries the query). The next page is requested as soon as its link
 * is known, while the consumer takes this one: at most two pages are held, and the engine's
 * writes overlap with Graph's answer. A delta round's final `@odata.deltaLink` lands in `end`.
 */
export async function* graphPages(
  http: GraphHttp,
  first: Target,
  signal: AbortSignal,
  end?: RoundEnd,
): AsyncGenerator<readonly unknown[]> {
  const stop = new AbortController();
  const linked = AbortSignal.any([signal, stop.signal]);
  const what = typeof first === "string" ? new URL(first).pathname : first.path;
  const seen = new Set<string>();
  const fetchPage = (target: Target) => {
    const page = http.get(target, linked);
    // Awaited on the next turn; until then a failure must not be an unhandled rejection.
    page.catch(() => undefined);
    return page;
  };
  let pending = fetchPage(first);
  try {
    for (let page = 1; ; page++) {
      const { body, next, deltaLink } = await pending;
      const value = body.value;
      if (!Array.isArray(value))
        throw new SourceError("bad_response", `GET ${what} returned JSON without a value list`);
      if (next !== null) {
        if (page >= MAX_PAGES)
          throw new SourceError("bad_response", `GET ${what} still had more after ${MAX_PAGES} pages; stopped reading`);
        if (seen.has(next))
          throw new SourceError(
            "bad_response",
            `GET ${what} gave a next link it had given before: paging would never end`,
          );
        seen.add(next);
        pending = fetchPage(next);
      } else if (end) end.deltaLink = deltaLink;
      if (value.length > 0) yield value;
      if (next === null) return;
    }
  } finally {
    stop.abort(new Error("the list is no longer read"));
  }
}
