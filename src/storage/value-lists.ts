import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "./capabilities.js";

/** Values per `IN (…)` list where lists cannot be one array parameter (SQLite binds at most 32,766; kept well below). */
export const IN_LIST_MAX = 500;

/** Splits a list for `IN (…)` so no statement exceeds the backends' parameter limits. */
export function chunks<T>(items: readonly T[], size = IN_LIST_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `values` cut into the lists one query each can match: all of them at once where the backend
 * binds an array parameter, else `chunks` of at most IN_LIST_MAX.
 */
export function valueLists<T>(caps: StorageCapabilities, values: Iterable<T>): T[][] {
  const all = [...values];
  if (all.length === 0) return [];
  return caps.arrayParameters ? [all] : chunks(all);
}

/**
 * "`column` is one of `list`" (a list from `valueLists`): `= any($1)` with the list as one array
 * parameter (one statement text whatever its length), else `in (…)`.
 */
export function isOneOf(caps: StorageCapabilities, column: string, list: readonly string[]): RawBuilder<SqlBool> {
  return caps.arrayParameters ? sql<SqlBool>`${sql.ref(column)} = any(${list})` : sql<SqlBool>`${sql.ref(column)} in (${sql.join(list)})`;
}
