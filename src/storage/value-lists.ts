/** Values per `IN (…)` list where lists cannot be one array parameter (SQLite binds at most 32,766; kept well below). */
export const IN_LIST_MAX = 500;

/** Splits a list for `IN (…)` so no statement exceeds the backends' parameter limits. */
export function chunks<T>(items: readonly T[], size = IN_LIST_MAX): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
