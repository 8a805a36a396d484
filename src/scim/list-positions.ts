import type { ListTable } from "./list-query.js";

/**
 * Where an unfiltered list's offset pages left off, so the next `startIndex` page starts after the
 * row the last one ended on (a keyset page: ~4 ms at any depth) rather than walking the index to
 * its offset (~50 ms half a million rows in). Clients that page by `startIndex` ask for the pages
 * in order. An entry holds only while the directory's `changes` (its users' and groups' inserts,
 * deletes and moves, see directory_counts) stands where it stood: then no row has moved. Read
 * before the page, so a write that commits in between makes the entry stale, never wrong.
 */
export interface ListPositions {
  /** The id of the row just before `startIndex`, when a page of this process ended there and nothing moved since. */
  find(directoryId: string, table: ListTable, startIndex: number, changes: number): string | undefined;
  remember(directoryId: string, table: ListTable, startIndex: number, changes: number, lastId: string): void;
}

/** At most `capacity` positions, the oldest forgotten first: a few per directory being paged through. */
export function createListPositions(capacity = 1000): ListPositions {
  const entries = new Map<string, { readonly changes: number; readonly lastId: string }>();
  const keyOf = (directoryId: string, table: ListTable, startIndex: number) => `${table}:${directoryId}:${startIndex}`;
  return Object.freeze({
    find(directoryId: string, table: ListTable, startIndex: number, changes: number) {
      const entry = entries.get(keyOf(directoryId, table, startIndex));
      return entry && entry.changes === changes ? entry.lastId : undefined;
    },
    remember(directoryId: string, table: ListTable, startIndex: number, changes: number, lastId: string) {
      const key = keyOf(directoryId, table, startIndex);
      entries.delete(key);
      entries.set(key, { changes, lastId });
      if (entries.size > capacity) entries.delete(entries.keys().next().value as string);
    },
  });
}
