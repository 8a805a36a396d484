import { type Compilable, type Kysely, sql } from "kysely";
import { queryTemplate } from "../query-template.js";
import type { MemberChangeOutcome, MemberChangeWrite } from "../capabilities.js";
import type { Database, DirectoryGroupRow, DirectoryUserRow } from "../schema.js";

type Db = Kysely<Database>;

type CandidatesParams = { directoryId: string; groupId: string; ids: readonly string[] };

/** Raw SQL as a template's query: `queryTemplate` compiles what it is given once, against the database it first runs on. */
function compilable<O>(db: Db, query: ReturnType<typeof sql<O>>): Compilable<O> {
  return { compile: () => query.compile(db) };
}

const candidates = queryTemplate(["directoryId", "groupId", "ids"], (db, p: CandidatesParams) =>
  compilable(
    db,
    sql<
      DirectoryUserRow & { present: boolean }
    >`select u.*, exists (select 1 from group_memberships m where m.group_id = ${p.groupId} and m.user_id = u.id) as present
      from directory_users u where u.directory_id = ${p.directoryId} and u.id = any(${p.ids})`,
  ),
);

/**
 * The directory's users among `ids` (one array parameter), each with whether it is a member of
 * the group now: what a member change needs to know before it writes, in one round trip.
 */
export async function memberCandidates(
  db: Db,
  directoryId: string,
  groupId: string,
  ids: readonly string[],
): Promise<Array<DirectoryUserRow & { present: boolean }>> {
  return candidates.execute(db, { directoryId, groupId, ids });
}

type WriteParams = {
  directoryId: string;
  organizationId: string;
  groupId: string;
  version: number;
  settings: string;
  now: string;
  adds: readonly string[];
  removes: readonly string[];
  eventUsers: readonly string[];
  eventIds: readonly string[];
  eventTypes: readonly string[];
  eventData: readonly string[];
};

const WRITE_NAMES = [
  "directoryId",
  "organizationId",
  "groupId",
  "version",
  "settings",
  "now",
  "adds",
  "removes",
  "eventUsers",
  "eventIds",
  "eventTypes",
  "eventData",
] as const;

// Every part joins `g`, the group's version bump: when the version or the directory's settings
// are not what the caller read, `g` is empty and nothing is written. The events are kept only for
// the rows the statement really inserted or deleted.
const write = queryTemplate(WRITE_NAMES, (db, p: WriteParams) =>
  db
    .with("d", (qc) =>
      qc
        .selectFrom("directories")
        .select("id")
        .where("id", "=", p.directoryId)
        .where("settings", "=", p.settings)
        .forShare(),
    )
    .with("g", (qc) =>
      qc
        .updateTable("directory_groups")
        .set({ version: sql<number>`version + 1`, updated_at: p.now })
        .where("id", "=", p.groupId)
        .where("directory_id", "=", p.directoryId)
        .where("version", "=", p.version)
        .where(sql<boolean>`exists (select 1 from d)`)
        .returningAll(),
    )
    .with("added", (qc) =>
      qc
        .insertInto("group_memberships")
        .columns(["group_id", "user_id", "directory_id", "created_at"])
        .expression(
          sql`select g.id, a.user_id, ${p.directoryId}, ${p.now} from g cross join unnest(${p.adds}::text[]) as a(user_id)`,
        )
        .onConflict((oc) => oc.doNothing())
        .returning("user_id"),
    )
    .with("removed", (qc) =>
      qc
        .deleteFrom("group_memberships")
        .where(sql<boolean>`group_id in (select id from g) and user_id = any(${p.removes}::text[])`)
        .returning("user_id"),
    )
    .with("e", (qc) =>
      qc
        .insertInto("events")
        .columns(["id", "event", "organization_id", "directory_id", "data", "created_at"])
        .expression(
          sql`select e.id, e.event, ${p.organizationId}, ${p.directoryId}, e.data, ${p.now}
            from unnest(${p.eventUsers}::text[], ${p.eventIds}::text[], ${p.eventTypes}::text[], ${p.eventData}::text[]) with ordinality as e(user_id, id, event, data, n)
            where e.user_id in (select user_id from added union all select user_id from removed)
            order by e.n`,
        ),
    )
    .selectNoFrom([
      sql<string>`(select count(*) from d)`.as("directory_matched"),
      sql<DirectoryGroupRow | null>`(select row_to_json(g) from g)`.as("group_row"),
    ]),
);

/**
 * Adds and removes members of a group, bumps its version and writes the membership events in one
 * statement (backends with writable CTEs and array parameters): one round trip and one commit.
 * Like `loadMapping` in a transaction, it reads the directory's row `FOR SHARE`, so a mapping
 * change waits for it; it writes only while the directory's settings and the group's version are
 * still those given, and otherwise writes nothing and says which moved.
 */
export async function changeMembersStatement(db: Db, change: MemberChangeWrite): Promise<MemberChangeOutcome> {
  const [result] = await write.execute(db, {
    directoryId: change.directoryId,
    organizationId: change.organizationId,
    groupId: change.groupId,
    version: change.version,
    settings: change.settings,
    now: change.now,
    adds: change.adds,
    removes: change.removes,
    eventUsers: change.events.map((e) => e.userId),
    eventIds: change.events.map((e) => e.row.id),
    eventTypes: change.events.map((e) => e.row.event),
    eventData: change.events.map((e) => e.row.data),
  });
  if (Number(result?.directory_matched) !== 1) return { written: false, moved: "settings" };
  return result?.group_row ? { written: true, row: result.group_row } : { written: false, moved: "version" };
}
