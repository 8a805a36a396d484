import { createScimError } from "./errors.js";
import { singleInteger, singleText } from "./request-values.js";

/** RFC 7644 §3.4.2.4 and RFC 9865: how a client asked to page through a list. */
export interface ListParams {
  readonly filter: string | undefined;
  readonly sortBy: string | undefined;
  readonly descending: boolean;
  readonly startIndex: number;
  readonly count: number;
  /** RFC 9865: present (possibly "") when the client pages by cursor. */
  readonly cursor: string | undefined;
}

/** The first page, in the default order, by index: a page a single-match lookup can answer alone. */
export function isPlainFirstPage(params: ListParams): boolean {
  return params.cursor === undefined && params.startIndex === 1 && params.count > 0 && params.sortBy === undefined;
}

export const MAX_RESULTS = 1000;
const DEFAULT_COUNT = 100;

/** A list request's parameters as they arrived: a query string (strings, arrays when repeated) or a `.search` body (any JSON). */
export type RawListQuery = Readonly<Record<string, unknown>>;

/** Reads list parameters from a query string or a `.search` body, clamping as RFC 7644 says. */
export function readListParams(query: RawListQuery): ListParams {
  const filter = singleText("filter", query.filter);
  const sortBy = singleText("sortBy", query.sortBy);
  const order = singleText("sortOrder", query.sortOrder)?.toLowerCase();
  const cursor = singleText("cursor", query.cursor);
  if (order !== undefined && order !== "ascending" && order !== "descending") {
    throw createScimError(400, { detail: 'sortOrder must be "ascending" or "descending"', scimType: "invalidValue" });
  }
  const rawStart = singleInteger("startIndex", query.startIndex);
  // A startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4).
  const startIndex = Math.max(1, rawStart ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, singleInteger("count", query.count) ?? DEFAULT_COUNT));
  if (cursor !== undefined && rawStart !== undefined) {
    throw createScimError(400, { detail: "cursor and startIndex cannot be combined", scimType: "invalidValue" });
  }
  return {
    filter: filter?.trim() || undefined,
    sortBy: sortBy?.trim() || undefined,
    descending: order === "descending",
    startIndex,
    count,
    cursor,
  };
}

/** Opaque RFC 9865 cursors: the sort key and id of the last row served. */
export function encodeCursor(key: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([key, id]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { key: string | number | null; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === "string" &&
      (parsed[0] === null || ["string", "number"].includes(typeof parsed[0]))
    ) {
      return { key: parsed[0] as string | number | null, id: parsed[1] };
    }
  } catch {
    // fall through to the SCIM error below
  }
  throw createScimError(400, { detail: "The cursor is not one this server issued", scimType: "invalidCursor" });
}
