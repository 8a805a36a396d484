import { isPlainObject } from "../../scim-resource/plain-object.js";
import { SourceError } from "../source.js";
import type { JsonObject, Query, ScimHttp } from "./scim-http.js";

/** RFC 9865 cursor paging, or RFC 7644 §3.4.2.4 index paging. */
export type Pagination = "cursor" | "index";

export interface PagingOptions {
  readonly pagination: Pagination;
  readonly pageSize: number;
  /** A bound on requests per list, against an upstream that never says it is done. */
  readonly maxPages: number;
  readonly signal: AbortSignal;
}

interface ListResponse {
  readonly resources: readonly unknown[];
  readonly totalResults: number | undefined;
  readonly nextCursor: string | undefined;
}

function memberOf(body: JsonObject, name: string): unknown {
  const lower = name.toLowerCase();
  const key = Object.keys(body).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : body[key];
}

/** A ListResponse (RFC 7644 §3.4.2); `Resources` may be left out when nothing matched. */
export function readListResponse(body: JsonObject, where: string): ListResponse {
  const resources = memberOf(body, "Resources");
  const total = memberOf(body, "totalResults");
  const next = memberOf(body, "nextCursor");
  if (
    (resources !== undefined && !Array.isArray(resources)) ||
    (resources === undefined && typeof total !== "number")
  ) {
    throw new SourceError(
      "bad_response",
      `${where} returned JSON that is not a SCIM ListResponse (no Resources array)`,
    );
  }
  return {
    resources: resources ?? [],
    totalResults: typeof total === "number" ? total : undefined,
    nextCursor: typeof next === "string" && next !== "" ? next : undefined,
  };
}

function idOf(resource: unknown): unknown {
  return isPlainObject(resource) ? resource.id : undefined;
}

function tooManyPages(where: string, maxPages: number): SourceError {
  return new SourceError(
    "bad_response",
    `${where} still had more after ${maxPages} pages; stopped reading (an upstream that never finishes paging?)`,
  );
}

async function* indexPages(http: ScimHttp, path: string, options: PagingOptions): AsyncGenerator<readonly unknown[]> {
  const where = http.describe(path);
  let startIndex = 1;
  let previousFirstId: unknown;
  for (let page = 1; ; page++) {
    if (page > options.maxPages) throw tooManyPages(where, options.maxPages);
    const body = await http.get(path, { startIndex, count: options.pageSize }, options.signal);
    const { resources, totalResults } = readListResponse(body, where);
    if (resources.length === 0) return;
    const firstId = idOf(resources[0]);
    // An upstream that ignores startIndex serves page one forever.
    if (firstId !== undefined && firstId === previousFirstId) {
      throw new SourceError(
        "bad_response",
        `${where} answered startIndex=${startIndex} with the page it served before: it does not honour startIndex`,
      );
    }
    previousFirstId = firstId;
    yield resources;
    // Advance by what was served: an upstream may cap count below the page size asked for.
    startIndex += resources.length;
    if (totalResults !== undefined && startIndex > totalResults) return;
  }
}

async function* cursorPages(http: ScimHttp, path: string, options: PagingOptions): AsyncGenerator<readonly unknown[]> {
  const where = http.describe(path);
  const seen = new Set<string>();
  let cursor = "";
  for (let page = 1; ; page++) {
    if (page > options.maxPages) throw tooManyPages(where, options.maxPages);
    const query: Query = { cursor, count: options.pageSize };
    const { resources, nextCursor } = readListResponse(await http.get(path, query, options.signal), where);
    if (resources.length > 0) yield resources;
    if (nextCursor === undefined) return;
    if (seen.has(nextCursor))
      throw new SourceError(
        "bad_response",
        `${where} returned a nextCursor it had returned before: paging would never end`,
      );
    seen.add(nextCursor);
    cursor = nextCursor;
  }
}

/**
 * The resources of a SCIM list, one page at a time: the next page is requested only when the
 * consumer has taken the previous one, so a run never holds more than a page.
 */
export function listPages(http: ScimHttp, path: string, options: PagingOptions): AsyncGenerator<readonly unknown[]> {
  return options.pagination === "cursor" ? cursorPages(http, path, options) : indexPages(http, path, options);
}
