import { createScimError } from "./errors.js";

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

function integer(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw createScimError(400, { detail: `${name} must be an integer`, scimType: "invalidValue" });
  return Number(raw);
}

export interface RawListQuery {
  filter?: string | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  startIndex?: string | number | undefined;
  count?: string | number | undefined;
  cursor?: string | undefined;
}

/** Reads list parameters from a query string or a `.search` body, clamping as RFC 7644 says. */
export function readListParams(query: RawListQuery): ListParams {
  const order = query.sortOrder?.toLowerCase();
  if (order !== undefined && order !== "ascending" && order !== "descending") {
    throw createScimError(400, { detail: 'sortOrder must be "ascending" or "descending"', scimType: "invalidValue" });
  }
  // A startIndex below 1 is read as 1 and a negative count as 0 (RFC 7644 §3.4.2.4).
  const startIndex = Math.max(1, integer("startIndex", query.startIndex?.toString(), 1));
  const count = Math.min(MAX_RESULTS, Math.max(0, integer("count", query.count?.toString(), DEFAULT_COUNT)));
  if (query.cursor !== undefined && query.startIndex !== undefined && query.startIndex !== "") {
    throw createScimError(400, { detail: "cursor and startIndex cannot be combined", scimType: "invalidValue" });
  }
  return { filter: query.filter?.trim() || undefined, sortBy: query.sortBy?.trim() || undefined, descending: order === "descending", startIndex, count, cursor: query.cursor };
}

/** Opaque RFC 9865 cursors: the sort key and id of the last row served. */
export function encodeCursor(key: string | number | null, id: string): string {
  return Buffer.from(JSON.stringify([key, id]), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string): { key: string | number | null; id: string } {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === "string" && (parsed[0] === null || ["string", "number"].includes(typeof parsed[0]))) {
      return { key: parsed[0] as string | number | null, id: parsed[1] };
    }
  } catch {
    // fall through to the SCIM error below
  }
  throw createScimError(400, { detail: "The cursor is not one this server issued", scimType: "invalidCursor" });
}
