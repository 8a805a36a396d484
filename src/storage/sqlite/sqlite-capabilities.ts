import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/sqlite";
import { codeOf, type JsonArraySource, type StorageCapabilities } from "../capabilities.js";
import { containsPattern, lowerContainsText } from "../like.js";
import { chunks } from "../value-lists.js";
import { SQLITE_DIRECTORY_COUNTS } from "./sqlite-directory-counts.js";
import { refreshSqliteStatistics } from "./sqlite-statistics.js";

/** GLOB pattern of text with a character past ASCII. */
const NON_ASCII = "*[^\u0001-\u007f]*";

/**
 * SQLite's own LIKE already ignores the case of ASCII letters, in C. Only text with a character
 * past ASCII needs the Unicode `lower()` (sqlite-unicode-lower.ts, a JavaScript call per row):
 * asked of every row, that call made a substring search of 100k users take ~0.2 s. A match of the
 * plain LIKE is a match of the lowercased one (what it compares alike, `lower()` makes equal).
 */
function containsIgnoringCase(expression: Expression<unknown>, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`(${expression} like ${containsPattern(text)} escape '\\' or (${expression} glob ${NON_ASCII} and ${lowerContainsText(expression, text)}))`;
}

export const SQLITE_CAPABILITIES: StorageCapabilities = Object.freeze<StorageCapabilities>({
  sequenceType: "integer",
  sequencePrimaryKey: (column) => column.primaryKey().autoIncrement(),
  xactIdDefault: null,
  isUniqueViolation: (error: unknown) =>
    codeOf(error) === "SQLITE_CONSTRAINT_UNIQUE" || codeOf(error) === "SQLITE_CONSTRAINT_PRIMARYKEY",
  // No row locks, and none needed: write transactions run one at a time (sqlite-group-commit.ts).
  lockForUpdate: (query) => query,
  lockForNoKeyUpdate: (query) => query,
  lockForShare: (query) => query,
  lockSkippingLocked: (query) => query,
  valueLists: <T>(values: Iterable<T>) => chunks([...values]),
  isOneOf: (column: string, list: readonly string[]) => sql<SqlBool>`${sql.ref(column)} in (${sql.join(list)})`,
  refreshStatistics: refreshSqliteStatistics,
  // One process serves the database: there is nobody to tell.
  notices: null,
  totalInPage: null,
  eventsSettled: null,
  // Virtual: SQLite adds only virtual generated columns to an existing table; indexes store it anyway.
  eventFeedPosition: { expression: sql<string>`printf('%019d', seq)`, stored: false },
  // SQLite's default collation (BINARY) already compares bytes.
  feedPositionType: "text",
  // json_each gives containers as JSON text and scalars as SQL values (true as 1): re-encode by type.
  jsonMember: (doc: Expression<unknown>, key: string) =>
    sql`(select case jm.type when 'true' then 'true' when 'false' then 'false' when 'object' then jm.value when 'array' then jm.value else json_quote(jm.value) end from json_each(${doc}) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonMemberText: (doc: Expression<unknown>, key: string) =>
    sql<
      string | null
    >`(select case jm.type when 'true' then 'true' when 'false' then 'false' when 'null' then null else cast(jm.value as text) end from json_each(${doc}) as jm where lower(jm.key) = ${key} limit 1)`,
  // Scalar elements become NULL documents, so member lookups on them find nothing instead of failing.
  jsonArraySome: (json: Expression<unknown>, where: (element: Expression<unknown>) => Expression<SqlBool>) =>
    sql<SqlBool>`exists (select 1 from json_each(${json}) as je where substr(je.fullkey, 1, 2) = '$[' and ${where(sql`(case when je.type = 'object' then je.value end)`)})`,
  containsIgnoringCase,
  codePointOrder: (text: Expression<string | null>) => sql<string | null>`${text}`,
  jsonArrayFrom: (query: JsonArraySource) => sql<string>`${jsonArrayFrom(query)}`,
  directoryCounts: SQLITE_DIRECTORY_COUNTS,
});
