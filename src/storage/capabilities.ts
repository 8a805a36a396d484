import { type ColumnDataType, type Expression, type RawBuilder, type SqlBool, sql } from "kysely";
import { jsonArrayFrom as postgresJsonArrayFrom } from "kysely/helpers/postgres";
import { jsonArrayFrom as sqliteJsonArrayFrom } from "kysely/helpers/sqlite";

/** A subquery whose rows `jsonArrayFrom` gathers (a select, as Kysely's helpers take). */
export type JsonArraySource = Parameters<typeof sqliteJsonArrayFrom<object>>[0];

/**
 * What differs between the two backends, declared once so no other code branches on a dialect's
 * name (the Kysely adapter idea).
 */
export interface StorageCapabilities {
  readonly dialect: "sqlite" | "postgres";
  /** Column type of the events sequence, with its autoincrement. */
  readonly sequenceType: ColumnDataType | RawBuilder<unknown>;
  /** Whether the sequence column also needs AUTOINCREMENT (SQLite) or is one by type (bigserial). */
  readonly sequenceNeedsAutoIncrement: boolean;
  /** Whether `FOR UPDATE SKIP LOCKED` exists, for work claimed by several processes. */
  readonly skipLocked: boolean;
  /**
   * Whether `FOR SHARE` / `FOR NO KEY UPDATE` row locks exist. Where they do not (SQLite), write
   * transactions run one at a time anyway.
   */
  readonly rowLocks: boolean;
  /**
   * Whether `WITH` may hold inserts (and a locking read) that commit as one statement: a write of
   * several tables is then one round trip, not a transaction of several.
   */
  readonly writableCtes: boolean;
  /**
   * Whether a filtered list page should carry its total (`count(*) over ()`) rather than count
   * apart. Over a network that saves a round trip; SQLite, in-process, counts faster apart (the
   * window makes it gather every matching row before the page).
   */
  readonly totalWithPage: boolean;
  /**
   * Whether a list of values can be bound as one array parameter (`= any($1)`): one round trip
   * and one statement text however many values. Otherwise lists go as `IN (…)` of at most
   * `IN_LIST_MAX` (SQLite's parameter limit), one query each.
   */
  readonly arrayParameters: boolean;
  /** Default of events.xact_id: the writer's transaction id where the backend has one. */
  readonly xactIdDefault: Expression<unknown> | null;
  /** Whether a driver error is a unique-constraint violation (a lost race for a unique name). */
  isUniqueViolation(error: unknown): boolean;
  /**
   * The condition an `events` row must meet to be served: its writer, and every writer that may
   * still commit a lower sequence number, has finished. Null where commits happen in
   * sequence order anyway (SQLite has one writer at a time).
   */
  readonly eventsSettled: Expression<SqlBool> | null;
  /**
   * The channel a process notifies after its commits that inserted events, and its delivery
   * worker listens on, so workers in other processes wake at once; null where there is none.
   */
  readonly eventsNotifyChannel: string | null;
  /**
   * The channel a process notifies (with the directory id) after changing a directory's SCIM
   * tokens or deleting it, so every process forgets what it cached of them at once; null where
   * there is none (SQLite: one serving process).
   */
  readonly scimTokensNotifyChannel: string | null;
  /**
   * events.feed_pos, the feed's total order: a generated column, text of fixed width
   * so text order is numeric order. Everything the feed serves lies below every position still
   * to commit. On PostgreSQL that takes the writer's xid first: all served events have an xid
   * below xmin, every running or future writer's is at or above it, whatever `seq` each drew.
   * With one writer at a time (SQLite), `seq` alone is commit order.
   */
  readonly eventFeedPosition: { readonly expression: RawBuilder<string>; readonly stored: boolean };
  /** Column type of feed positions and the cursors that hold them: text compared byte by byte. */
  readonly feedPositionType: ColumnDataType | RawBuilder<unknown>;
  /**
   * Member `key` (given in lowercase, matched case-insensitively: RFC 7643 §2.1) of the JSON
   * object `doc` (JSON text or jsonb), as JSON; null when `doc` is not an object or lacks it.
   */
  jsonMember(doc: Expression<unknown>, key: string): RawBuilder<unknown>;
  /** Like `jsonMember`, but the member's scalar as text: strings unquoted, `true`/`false`, numbers; null for JSON null. */
  jsonMemberText(doc: Expression<unknown>, key: string): RawBuilder<string | null>;
  /** Whether some object element of the JSON array `json` satisfies `where`; false when `json` is no array. */
  jsonArraySome(json: Expression<unknown>, where: (element: Expression<unknown>) => Expression<SqlBool>): RawBuilder<SqlBool>;
  /** `text` ordered by code point, whatever the database's default collation (for `<`, `>`). */
  codePointOrder(text: Expression<string | null>): RawBuilder<string | null>;
  /** The rows of a subquery as the text of one JSON array of objects (`[]` for none), so one query can carry a list. */
  jsonArrayFrom(query: JsonArraySource): RawBuilder<string>;
}

function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}

export const SQLITE_CAPABILITIES: StorageCapabilities = Object.freeze({
  dialect: "sqlite",
  sequenceType: "integer",
  sequenceNeedsAutoIncrement: true,
  skipLocked: false,
  rowLocks: false,
  writableCtes: false,
  totalWithPage: false,
  arrayParameters: false,
  xactIdDefault: null,
  isUniqueViolation: (error: unknown) => codeOf(error) === "SQLITE_CONSTRAINT_UNIQUE" || codeOf(error) === "SQLITE_CONSTRAINT_PRIMARYKEY",
  eventsSettled: null,
  eventsNotifyChannel: null,
  scimTokensNotifyChannel: null,
  // Virtual: SQLite adds only virtual generated columns to an existing table; indexes store it anyway.
  eventFeedPosition: { expression: sql<string>`printf('%019d', seq)`, stored: false },
  // SQLite's default collation (BINARY) already compares bytes.
  feedPositionType: "text",
  // json_each gives containers as JSON text and scalars as SQL values (true as 1): re-encode by type.
  jsonMember: (doc: Expression<unknown>, key: string) =>
    sql`(select case jm.type when 'true' then 'true' when 'false' then 'false' when 'object' then jm.value when 'array' then jm.value else json_quote(jm.value) end from json_each(${doc}) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonMemberText: (doc: Expression<unknown>, key: string) =>
    sql<string | null>`(select case jm.type when 'true' then 'true' when 'false' then 'false' when 'null' then null else cast(jm.value as text) end from json_each(${doc}) as jm where lower(jm.key) = ${key} limit 1)`,
  // Scalar elements become NULL documents, so member lookups on them find nothing instead of failing.
  jsonArraySome: (json: Expression<unknown>, where: (element: Expression<unknown>) => Expression<SqlBool>) =>
    sql<SqlBool>`exists (select 1 from json_each(${json}) as je where substr(je.fullkey, 1, 2) = '$[' and ${where(sql`(case when je.type = 'object' then je.value end)`)})`,
  codePointOrder: (text: Expression<string | null>) => sql<string | null>`${text}`,
  jsonArrayFrom: (query: JsonArraySource) => sql<string>`${sqliteJsonArrayFrom(query)}`,
});

export const POSTGRES_CAPABILITIES: StorageCapabilities = Object.freeze({
  dialect: "postgres",
  sequenceType: "bigserial",
  sequenceNeedsAutoIncrement: false,
  skipLocked: true,
  rowLocks: true,
  writableCtes: true,
  totalWithPage: true,
  arrayParameters: true,
  xactIdDefault: sql`(pg_current_xact_id()::text)`,
  isUniqueViolation: (error: unknown) => codeOf(error) === "23505",
  // Every transaction older than the snapshot's xmin has ended; an event written by a younger one
  // waits, because an older-numbered event of a still-running writer could commit after it.
  eventsSettled: sql<SqlBool>`(events.xact_id)::xid8 < pg_snapshot_xmin(pg_current_snapshot())`,
  eventsNotifyChannel: "roster_events",
  scimTokensNotifyChannel: "roster_scim_tokens",
  // xid8 has at most 20 digits, a bigint sequence 19. PostgreSQL 15 generates only stored columns.
  eventFeedPosition: { expression: sql<string>`lpad(xact_id, 20, '0') || lpad(seq::text, 19, '0')`, stored: true },
  // "C": digits compare by byte whatever the database's collation, and indexes serve `<`/`>`.
  feedPositionType: sql`text collate "C"`,
  jsonMember: (doc: Expression<unknown>, key: string) =>
    sql`(select jm.value from (select (${doc})::jsonb as v) as jd, jsonb_each(case when jsonb_typeof(jd.v) = 'object' then jd.v else '{}'::jsonb end) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonMemberText: (doc: Expression<unknown>, key: string) =>
    sql<string | null>`(select jm.value #>> '{}' from (select (${doc})::jsonb as v) as jd, jsonb_each(case when jsonb_typeof(jd.v) = 'object' then jd.v else '{}'::jsonb end) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonArraySome: (json: Expression<unknown>, where: (element: Expression<unknown>) => Expression<SqlBool>) =>
    sql<SqlBool>`exists (select 1 from (select (${json})::jsonb as v) as ja, jsonb_array_elements(case when jsonb_typeof(ja.v) = 'array' then ja.v else '[]'::jsonb end) as je(value) where jsonb_typeof(je.value) = 'object' and ${where(sql`je.value`)})`,
  codePointOrder: (text: Expression<string | null>) => sql<string | null>`(${text} collate "C")`,
  // As text, like SQLite's: the driver would otherwise parse it, and callers read one shape.
  jsonArrayFrom: (query: JsonArraySource) => sql<string>`(${postgresJsonArrayFrom(query)})::text`,
});
