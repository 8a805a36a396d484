import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "./capabilities.js";

/** Values per `IN (…)` list where lists cannot be one array parameter (SQLite binds at most 32,766; kept well below). */
export const IN_LIST_MAX = 500;

/**
 * `values` cut into the lists one query each can match: all of them at once where the backend
 * binds an array parameter, else lists of at most IN_LIST_MAX.
 */
export function valueLists<T>(caps: StorageCapabilities, values: Iterable<T>): T[][] {
  const all = [...values];
  if (all.length === 0) return [];
  if (caps.arrayParameters) return [all];
  const lists: T[][] = [];
  for (let i = 0; i < all.length; i += IN_LIST_MAX) lists.push(all.slice(i, i + IN_LIST_MAX));
  return lists;
}

/**
 * "`column` is one of `list`" (a list from `valueLists`): `= any($1)` with the list as one array
 * parameter (one statement text whatever its length), else `in (…)`.
 */
export function isOneOf(caps: StorageCapabilities, column: string, list: readonly string[]): RawBuilder<SqlBool> {
  return caps.arrayParameters ? sql<SqlBool>`${sql.ref(column)} = any(${list})` : sql<SqlBool>`${sql.ref(column)} in (${sql.join(list)})`;
}
