import { SourceError } from "../source.js";
import type { OktaHttp, Query } from "./okta-http.js";

/** Okta's largest page for users, groups and group members. */
export const PAGE_LIMIT = 200;

/** A bound on requests per list, against an org (or a stand-in) that never says it is done. */
const MAX_PAGES = 100_000;

/**
 * The items of an Okta list, a page at a time, following `Link: <…>; rel="next"` exactly as
 * given (Okta's cursor is opaque). The next page is asked for only when the consumer has taken
 * this one, so a run never holds more than a page.
 */
export async function* oktaPages(http: OktaHttp, path: string, query: Query, signal: AbortSignal): AsyncGenerator<readonly unknown[]> {
  const seen = new Set<string>();
  let target: string | { path: string; query: Query } = { path, query: { limit: PAGE_LIMIT, ...query } };
  for (let page = 1; ; page++) {
    if (page > MAX_PAGES) throw new SourceError("bad_response", `GET ${path} still had more after ${MAX_PAGES} pages; stopped reading`);
    const { body, next } = await http.get(target, signal);
    if (!Array.isArray(body)) throw new SourceError("bad_response", `GET ${path} returned JSON that is not a list`);
    if (body.length > 0) yield body;
    if (next === null) return;
    if (seen.has(next)) throw new SourceError("bad_response", `GET ${path} gave a next-page link it had given before: paging would never end`);
    seen.add(next);
    target = next;
  }
}
