import { type Expression, type SqlBool, sql } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import {
  codeOf,
  type JsonArraySource,
  type NoticeTopic,
  type OneStatementWrites,
  type ProcessNotices,
  type StorageCapabilities,
} from "../capabilities.js";
import { POSTGRES_DIRECTORY_COUNTS } from "./postgres-directory-counts.js";
import { lowerContainsText } from "../like.js";
import { listenOnChannel } from "./postgres-event-channel.js";
import { changeMembersStatement, memberCandidates } from "./postgres-member-change-statement.js";
import { insertUserStatement, MAX_STATEMENT_EMAILS } from "./postgres-user-create-statement.js";

/** The channel a process notifies after its commits that inserted events; delivery workers listen on it. */
export const EVENTS_CHANNEL = "roster_events";

/** Per topic, the channel: a process notifies (with the directory id) after changing a directory's SCIM tokens or deleting it. */
const NOTICE_CHANNELS: Record<NoticeTopic, string> = { scim_tokens: "roster_scim_tokens" };

export const POSTGRES_CAPABILITIES: StorageCapabilities = Object.freeze<StorageCapabilities>({
  sequenceType: "bigserial",
  sequencePrimaryKey: (column) => column.primaryKey(),
  xactIdDefault: sql`(pg_current_xact_id()::text)`,
  isUniqueViolation: (error: unknown) => codeOf(error) === "23505",
  lockForUpdate: (query) => query.forUpdate(),
  lockForNoKeyUpdate: (query) => query.forNoKeyUpdate(),
  lockForShare: (query) => query.forShare(),
  lockSkippingLocked: (query) => query.forUpdate().skipLocked(),
  // One array parameter: one round trip and one statement text however many values.
  valueLists: <T>(values: Iterable<T>) => {
    const all = [...values];
    return all.length === 0 ? [] : [all];
  },
  isOneOf: (column: string, list: readonly string[]) => sql<SqlBool>`${sql.ref(column)} = any(${list})`,
  async refreshStatistics(db, tables) {
    if (tables.length > 0) await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(db);
  },
  oneStatement: Object.freeze<OneStatementWrites>({
    createUserMaxEmails: MAX_STATEMENT_EMAILS,
    createUser: insertUserStatement,
    memberCandidates,
    changeMembers: changeMembersStatement,
  }),
  notices: Object.freeze<ProcessNotices>({
    async notify(db, topic, payload) {
      await sql`select pg_notify(${NOTICE_CHANNELS[topic]}, ${payload})`.execute(db);
    },
    listen(database, topic, onNotice) {
      if (database.kind !== "postgres") throw new Error("PostgreSQL notices need a PostgreSQL database");
      return listenOnChannel(database.url, NOTICE_CHANNELS[topic], onNotice);
    },
  }),
  totalInPage: sql<number>`count(*) over ()`,
  // Every transaction older than the snapshot's xmin has ended; an event written by a younger one
  // waits, because an older-numbered event of a still-running writer could commit after it.
  eventsSettled: sql<SqlBool>`(events.xact_id)::xid8 < pg_snapshot_xmin(pg_current_snapshot())`,
  // xid8 has at most 20 digits, a bigint sequence 19. PostgreSQL 15 generates only stored columns.
  eventFeedPosition: { expression: sql<string>`lpad(xact_id, 20, '0') || lpad(seq::text, 19, '0')`, stored: true },
  // "C": digits compare by byte whatever the database's collation, and indexes serve `<`/`>`.
  feedPositionType: sql`text collate "C"`,
  jsonMember: (doc: Expression<unknown>, key: string) =>
    sql`(select jm.value from (select (${doc})::jsonb as v) as jd, jsonb_each(case when jsonb_typeof(jd.v) = 'object' then jd.v else '{}'::jsonb end) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonMemberText: (doc: Expression<unknown>, key: string) =>
    sql<
      string | null
    >`(select jm.value #>> '{}' from (select (${doc})::jsonb as v) as jd, jsonb_each(case when jsonb_typeof(jd.v) = 'object' then jd.v else '{}'::jsonb end) as jm where lower(jm.key) = ${key} limit 1)`,
  jsonArraySome: (json: Expression<unknown>, where: (element: Expression<unknown>) => Expression<SqlBool>) =>
    sql<SqlBool>`exists (select 1 from (select (${json})::jsonb as v) as ja, jsonb_array_elements(case when jsonb_typeof(ja.v) = 'array' then ja.v else '[]'::jsonb end) as je(value) where jsonb_typeof(je.value) = 'object' and ${where(sql`je.value`)})`,
  containsIgnoringCase: lowerContainsText,
  codePointOrder: (text: Expression<string | null>) => sql<string | null>`(${text} collate "C")`,
  // As text, like SQLite's: the driver would otherwise parse it, and callers read one shape.
  jsonArrayFrom: (query: JsonArraySource) => sql<string>`(${jsonArrayFrom(query)})::text`,
  directoryCounts: POSTGRES_DIRECTORY_COUNTS,
});
