import type SQLite from "better-sqlite3";

/**
 * Replaces SQLite's `lower()` on a connection with a Unicode-aware one. SQLite's own folds ASCII
 * letters only (`lower('Émile')` is `Émile`), so a case-insensitive search or SCIM filter on a
 * column kept without a lowercase copy matched "émile" on PostgreSQL and not here. This one is
 * JavaScript's `toLowerCase`, the folding the stored `*_lower` columns and the compared values
 * already get, and what PostgreSQL's `lower()` gives for every letter its Unicode tables know.
 * No index is built on `lower(…)`: the indexed lookups use the stored copies, which this leaves
 * alone. Deterministic, so SQLite may still factor it out of a query.
 */
export function registerUnicodeLower(database: SQLite.Database): void {
  database.function("lower", { deterministic: true }, (value: unknown) => {
    if (typeof value === "string") return value.toLowerCase();
    // As SQLite's own: NULL stays NULL, a number or a blob is read as text.
    return value === null || value === undefined ? null : String(value).toLowerCase();
  });
}
