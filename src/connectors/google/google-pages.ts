import { SourceError } from "../source.js";
import type { GoogleHttp, Query } from "./google-http.js";

/** A bound on requests per list, against an API (or a stand-in) that never says it is done. */
const MAX_PAGES = 100_000;

export interface GoogleList {
  readonly path: string;
  readonly query: Query;
  /** The key holding the page's items: `users`, `groups`, `members` (Google leaves it out of an empty page). */
  readonly items: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The items of a Directory API list, a page at a time, following `nextPageToken` (opaque, so pages
 * cannot be asked for in parallel). The next page is requested as soon as its token is known,
 * while the consumer takes this one: at most two pages are held, and Roster's writes overlap
 * with Google's answer. With `onMissing`, a 404 ends the list (and calls it) instead of failing.
 */
export async function* googlePages(
  http: GoogleHttp,
  list: GoogleList,
  signal: AbortSignal,
  onMissing?: () => void,
): AsyncGenerator<readonly unknown[]> {
  const missingOk = onMissing !== undefined;
  const stop = new AbortController();
  const linked = AbortSignal.any([signal, stop.signal]);
  const seen = new Set<string>();
  const fetchPage = (pageToken: string | undefined) => {
    const query = { ...list.query, pageToken };
    const page = missingOk ? http.getIfFound(list.path, query, linked) : http.get(list.path, query, linked);
    // Awaited on the next turn; until then a failure must not be an unhandled rejection.
    page.catch(() => undefined);
    return page;
  };
  let pending = fetchPage(undefined);
  try {
    for (let page = 1; ; page++) {
      const body = await pending;
      if (body === null) {
        // Only asked for with onMissing: the list's owner is gone (404).
        onMissing?.();
        return;
      }
      if (!isObject(body))
        throw new SourceError("bad_response", `GET ${list.path} returned JSON that is not an object`);
      const items = body[list.items] ?? [];
      if (!Array.isArray(items))
        throw new SourceError("bad_response", `GET ${list.path} returned "${list.items}" that is not a list`);
      const next = typeof body.nextPageToken === "string" && body.nextPageToken !== "" ? body.nextPageToken : null;
      if (next !== null) {
        if (page >= MAX_PAGES)
          throw new SourceError(
            "bad_response",
            `GET ${list.path} still had more after ${MAX_PAGES} pages; stopped reading`,
          );
        if (seen.has(next))
          throw new SourceError(
            "bad_response",
            `GET ${list.path} gave a nextPageToken it had given before: paging would never end`,
          );
        seen.add(next);
        pending = fetchPage(next);
      }
      if (items.length > 0) yield items;
      if (next === null) return;
    }
  } finally {
    stop.abort(new Error("the list is no longer read"));
  }
}
