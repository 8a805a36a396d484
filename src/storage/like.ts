import { type RawBuilder, sql } from "kysely";

/** Escapes `%`, `_` and `\` so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column LIKE '%text%' ESCAPE '\'`, case-insensitive when `column` holds lowercased text.
 * The explicit ESCAPE clause makes both backends treat the backslash the same way.
 */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}

/** `lower(expression) LIKE '%text%' ESCAPE '\'`: for text not stored lowercased (names); on SQLite `lower()` is sqlite/sqlite-unicode-lower.ts's. */
export function lowerContainsText(expression: RawBuilder<unknown>, text: string): RawBuilder<boolean> {
  return sql<boolean>`lower(${expression}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;
}
