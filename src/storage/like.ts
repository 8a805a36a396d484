import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";

/** Escapes `%`, `_` and `\` so user text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * `column LIKE '%text%' ESCAPE '\'`, case-insensitive when `column` holds lowercased text.
 * The explicit ESCAPE clause makes both backends treat the backslash the same way.
 */
export function containsText(column: string, text: string): RawBuilder<boolean> {
  return sql<boolean>`${sql.ref(column)} like ${containsPattern(text)} escape '\\'`;
}

/** The `LIKE` pattern `%text%` of `text` lowercased, escaped to match literally (with `ESCAPE '\'`). */
export function containsPattern(text: string): string {
  return `%${escapeLike(text.toLowerCase())}%`;
}

/**
 * `lower(expression) LIKE '%text%' ESCAPE '\'`: for text not stored lowercased (names); on SQLite
 * `lower()` is sqlite/sqlite-unicode-lower.ts's. Through `StorageCapabilities.containsIgnoringCase`,
 * which may spare the `lower()`.
 */
export function lowerContainsText(expression: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${expression}) like ${containsPattern(text)} escape '\\'`;
}
