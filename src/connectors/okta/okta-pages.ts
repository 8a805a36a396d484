import { SourceError } from "../source.js";
import type { OktaHttp, Query } from "./okta-http.js";

/** Okta's largest page for users, groups and group members. */
export const PAGE_LIMIT = 200;

/** A bound on requests per list, against an org (or a stand-in) that never says it is done. */
const MAX_PAGES = 100_000;

/**
 * The items of an Okta list, a page at a time, following `Link: <…>; rel="next"` exactly as
 * given (Okta's cursor is opaque, so pages cannot be asked for in parallel). The next page is
 * requested as soon as its link is known, while the consumer takes this one: a run holds at most
 * two pages, and the engine's writes overlap with Okta's answer.
 */
export async function* oktaPages(
  http: OktaHttp,
  path: string,
  query: Query,
  signal: AbortSignal,
): AsyncGenerator<readonly unknown[]> {
  const stop = new AbortController();
  const linked = AbortSignal.any([signal, stop.signal]);
  const seen = new Set<string>();
  const fetchPage = (target: string | { path: string; query: Query }) => {
    const page = http.get(target, linked);
    // Awaited on the next turn; until then a failure must not be an unhandled rejection.
    page.catch(() => undefined);
    return page;
  };
  let pending = fetchPage({ path, query: { limit: PAGE_LIMIT, ...query } });
  try {
    for (let page = 1; ; page++) {
      const { body, next } = await pending;
      if (!Array.isArray(body)) throw new SourceError("bad_response", `GET ${path} returned JSON that is not a list`);
      if (next !== null) {
        if (page >= MAX_PAGES)
          throw new SourceError("bad_response", `GET ${path} still had more after ${MAX_PAGES} pages; stopped reading`);
        if (seen.has(next))
          throw new SourceError(
            "bad_response",
            `GET ${path} gave a next-page link it had given before: paging would never end`,
          );
        seen.add(next);
        pending = fetchPage(next);
      }
      if (body.length > 0) yield body;
      if (next === null) return;
    }
  } finally {
    stop.abort(new Error("the list is no longer read"));
  }
}
