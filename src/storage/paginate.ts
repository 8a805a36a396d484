import type { SelectQueryBuilder } from "kysely";

export type SortOrder = "asc" | "desc";

/** A WorkOS-style page request: ids as cursors, at most one of before/after. */
export interface PageRequest {
  readonly limit: number;
  readonly before?: string | undefined;
  readonly after?: string | undefined;
  readonly order: SortOrder;
}

export interface Page<T> {
  readonly data: T[];
  /** Cursor for the previous page (the first item's id), null on the first page. */
  readonly before: string | null;
  /** Cursor for the next page (the last item's id), null on the last page. */
  readonly after: string | null;
}

// Kysely cannot type a column reference that is generic over tables; the reference is checked by
// the callers' query builders, the row type by `O`.
// biome-ignore lint/suspicious/noExplicitAny: see above
type AnyQuery<O> = SelectQueryBuilder<any, any, O>;

/**
 * Keyset pagination over a sortable id column: O(limit) per page whatever the table's size,
 * stable under concurrent inserts, and a cursor is just an id (no server state).
 */
export async function paginate<O extends { id: string }>(
  query: AnyQuery<O>,
  idColumn: string,
  page: PageRequest,
): Promise<Page<O>> {
  const desc = page.order === "desc";
  const forwardOp = desc ? "<" : ">";
  const backwardOp = desc ? ">" : "<";
  if (page.before !== undefined) {
    const rows = await query
      .where(idColumn, backwardOp, page.before)
      .orderBy(idColumn, desc ? "asc" : "desc")
      .limit(page.limit + 1)
      .execute();
    const hasMoreBefore = rows.length > page.limit;
    const data = rows.slice(0, page.limit).reverse();
    const hasAfter = await exists(query.where(idColumn, desc ? "<=" : ">=", page.before));
    return {
      data,
      before: hasMoreBefore ? (data[0]?.id ?? null) : null,
      after: hasAfter ? (data.at(-1)?.id ?? page.before) : null,
    };
  }
  const scoped = page.after === undefined ? query : query.where(idColumn, forwardOp, page.after);
  const rows = await scoped
    .orderBy(idColumn, page.order)
    .limit(page.limit + 1)
    .execute();
  const hasMore = rows.length > page.limit;
  const data = rows.slice(0, page.limit);
  const hasBefore = page.after !== undefined && (await exists(query.where(idColumn, desc ? ">=" : "<=", page.after)));
  return {
    data,
    before: hasBefore ? (data[0]?.id ?? page.after ?? null) : null,
    after: hasMore ? (data.at(-1)?.id ?? null) : null,
  };
}

async function exists<O>(query: AnyQuery<O>): Promise<boolean> {
  return (await query.limit(1).executeTakeFirst()) !== undefined;
}
