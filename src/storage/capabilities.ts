import type {
  ColumnDataType,
  ColumnDefinitionBuilder,
  Expression,
  Kysely,
  RawBuilder,
  SelectQueryBuilder,
  SqlBool,
} from "kysely";
import type { jsonArrayFrom as sqliteJsonArrayFrom } from "kysely/helpers/sqlite";
import type { DatabaseConfig } from "../config.js";
import type { Database, DirectoryGroupRow, DirectoryUserRow, EventInsertRow, UserEmailRow } from "./schema.js";

/** A subquery whose rows `jsonArrayFrom` gathers (a select, as Kysely's helpers take). */
export type JsonArraySource = Parameters<typeof sqliteJsonArrayFrom<object>>[0];

type Db = Kysely<Database>;

/**
 * What differs between the two backends, declared once so no other code branches on a dialect's
 * name (the Kysely adapter idea): operations that do the backend's part (lock a row, refresh the
 * planner's statistics, write in one statement), and pieces of SQL that let a query be written
 * once for both. The two implementations live in storage/sqlite/ and storage/postgres/.
 */
export interface StorageCapabilities {
  /** Column type of the events sequence. */
  readonly sequenceType: ColumnDataType | RawBuilder<unknown>;
  /** The events sequence as primary key: with AUTOINCREMENT (SQLite), or as it is (bigserial). */
  sequencePrimaryKey(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
  /** Default of events.xact_id: the writer's transaction id where the backend has one. */
  readonly xactIdDefault: Expression<unknown> | null;
  /** Whether a driver error is a unique-constraint violation (a lost race for a unique name). */
  isUniqueViolation(error: unknown): boolean;

  /**
   * `query` holding its rows until the transaction ends: `FOR UPDATE` (to rewrite them),
   * `FOR NO KEY UPDATE` (to rewrite them while rows that reference them may still be inserted),
   * `FOR SHARE` (to keep them as read). Unchanged where there are no row locks (SQLite): write
   * transactions run one at a time there anyway.
   */
  lockForUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  lockForNoKeyUpdate<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  lockForShare<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;
  /**
   * `query` locking its rows and passing over those another transaction holds
   * (`FOR UPDATE SKIP LOCKED`), so processes claiming work split it; unchanged with one writer at a time.
   */
  lockSkippingLocked<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O>;

  /**
   * `values` cut into the lists one query each can match: all at once where a list binds as one
   * array parameter, else `IN (…)` lists of at most IN_LIST_MAX (SQLite's parameter limit).
   */
  valueLists<T>(values: Iterable<T>): T[][];
  /** "`column` is one of `list`" (a list from `valueLists`): `= any($1)`, one statement text whatever its length, else `in (…)`. */
  isOneOf(column: string, list: readonly string[]): RawBuilder<SqlBool>;

  /**
   * Re-analyzes `tables` after a sync has grown them, so the planner (and every prepared
   * statement's cached plan) stops believing they are as small as they were. Nothing where the
   * planner keeps no such statistics (a SQLite database nobody ran `ANALYZE` on).
   */
  refreshStatistics(db: Db, tables: readonly (keyof Database & string)[]): Promise<void>;

  /**
   * Writes that take one statement (writable CTEs, array parameters): one round trip and one
   * commit instead of a transaction of several. Absent where the backend cannot; the store's
   * operation then writes in a transaction, as it also does when a statement declines.
   */
  readonly oneStatement?: OneStatementWrites;

  /** Messages between the processes that share the database; null where one process serves it. */
  readonly notices: ProcessNotices | null;

  /**
   * A total that a filtered list page may carry (`count(*) over ()`) rather than count apart:
   * over a network that saves a round trip. Null where counting apart is faster (SQLite, in
   * process: the window makes it gather every matching row before the page).
   */
  readonly totalInPage: RawBuilder<number> | null;

  /**
   * The condition an `events` row must meet to be served: its writer, and every writer that may
   * still commit a lower sequence number, has finished. Null where commits happen in
   * sequence order anyway (SQLite has one writer at a time).
   */
  readonly eventsSettled: Expression<SqlBool> | null;
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
  jsonArraySome(
    json: Expression<unknown>,
    where: (element: Expression<unknown>) => Expression<SqlBool>,
  ): RawBuilder<SqlBool>;
  /**
   * Whether `expression` (text not stored lowercased: an email, a name) contains `text` literally,
   * both lowercased as JavaScript's `toLowerCase` does (`LIKE '%text%'`, `%` and `_` escaped).
   */
  containsIgnoringCase(expression: Expression<unknown>, text: string): RawBuilder<SqlBool>;
  /** `text` ordered by code point, whatever the database's default collation (for `<`, `>`). */
  codePointOrder(text: Expression<string | null>): RawBuilder<string | null>;
  /** The rows of a subquery as the text of one JSON array of objects (`[]` for none), so one query can carry a list. */
  jsonArrayFrom(query: JsonArraySource): RawBuilder<string>;

  /** How `directory_counts` is kept (migration 0022). */
  readonly directoryCounts: DirectoryCountsUpkeep;
}

/**
 * `directory_counts` holds each directory's users, active users and groups (and `changes`, its
 * inserts, deletes and moves) in `slots` rows that readers sum, so no list page or directory
 * object counts a whole directory. Several rows where
 * writers run at once (PostgreSQL: each backend adds to its own slot, so concurrent creates do not
 * queue on one row); one where they take turns (SQLite).
 */
export interface DirectoryCountsUpkeep {
  readonly slots: number;
  /**
   * Creates the triggers that keep the counts exact: a directory's slot rows on its insert, and on
   * every insert and delete of users and groups and every update of a user's state or directory.
   * The DDL of migration 0022: a change to it is a new migration, not an edit of this.
   */
  createTriggers(db: Kysely<unknown>): Promise<void>;
}

/** A new user, its email rows and its `dsync.user.created` event, computed from the directory's settings `settings`. */
export interface UserCreateWrite {
  readonly settings: string;
  readonly row: DirectoryUserRow;
  readonly emails: readonly UserEmailRow[];
  readonly event: EventInsertRow;
}

export interface MemberChangeWrite {
  readonly directoryId: string;
  readonly organizationId: string;
  readonly groupId: string;
  /** The group's version the change was computed from; the statement bumps it by one. */
  readonly version: number;
  /** The directory's settings text the caller's mapping was compiled from. */
  readonly settings: string;
  readonly now: string;
  readonly adds: readonly string[];
  readonly removes: readonly string[];
  /** The user_added / user_removed events, each with the member it is about. */
  readonly events: ReadonlyArray<{ readonly userId: string; readonly row: EventInsertRow }>;
}

/** Written, with the group's row as the statement left it; or not, and what moved. */
export type MemberChangeOutcome =
  | { readonly written: true; readonly row: DirectoryGroupRow }
  | { readonly written: false; readonly moved: "settings" | "version" };

export interface OneStatementWrites {
  /** The most emails `createUser` takes; a user with more is created in a transaction. */
  readonly createUserMaxEmails: number;
  /**
   * Inserts the user, its email rows and its event, reading the directory's row `FOR SHARE` as a
   * writer's transaction does, and only while its settings are still `write.settings`; false,
   * having written nothing, when they moved. A taken userName fails as a unique violation.
   */
  createUser(db: Db, write: UserCreateWrite): Promise<boolean>;
  /** The directory's users among `ids`, each with whether it is a member of the group now: what a change of members reads first. */
  memberCandidates(
    db: Db,
    directoryId: string,
    groupId: string,
    ids: readonly string[],
  ): Promise<Array<DirectoryUserRow & { present: boolean }>>;
  /**
   * Adds and removes members, bumps the group's version and writes the membership events,
   * while the directory's settings and the group's version are those given; else writes
   * nothing and says which moved.
   */
  changeMembers(db: Db, change: MemberChangeWrite): Promise<MemberChangeOutcome>;
}

/** What processes tell each other through the database; each topic a channel of its own. */
export type NoticeTopic = "scim_tokens";

export interface ProcessNotices {
  /** Tells every process listening on `topic` (this one's listener included). */
  notify(db: Db, topic: NoticeTopic, payload: string): Promise<void>;
  /**
   * Hears `topic` on a connection of its own to `database`; `onNotice` gets each payload, and
   * null after the connection was down (what was said meanwhile is lost).
   */
  listen(
    database: DatabaseConfig,
    topic: NoticeTopic,
    onNotice: (payload: string | null) => void,
  ): { close(): Promise<void> };
}

/** The driver error's code, where it has one. */
export function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
}
