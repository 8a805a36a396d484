import type { ExpressionBuilder, Kysely } from "kysely";
import { type QueryTemplate, queryTemplate } from "../query-template.js";
import type { UserCreateWrite } from "../capabilities.js";
import { type Database, USER_ROW_COLUMNS } from "../schema.js";

/** Emails a user may have for the one-statement create; more take the transaction. */
export const MAX_STATEMENT_EMAILS = 8;

const INTEGER_COLUMNS = new Set<string>(["version", "position", "primary"]);

type Params = Record<string, unknown>;
const templates = new Map<number, QueryTemplate<Params, unknown>>();

/**
 * `insert … select <values> from <cte>`: a value selected with no column around it is text to
 * PostgreSQL until cast, so the integer columns get a cast.
 */
function selected<DB, TB extends keyof DB>(eb: ExpressionBuilder<DB, TB>, column: string, value: unknown) {
  const bound = eb.val(value);
  return (INTEGER_COLUMNS.has(column) ? eb.cast(bound, "integer") : bound).as(column);
}

const EMAIL_VALUES = ["value", "value_lower", "type", "primary"] as const;
const EVENT_VALUES = ["event_id", "event_data", "event_created_at"] as const;

function names(emails: number): string[] {
  const emailNames = Array.from({ length: emails }, (_, i) => EMAIL_VALUES.map((c) => `email${i}_${c}`)).flat();
  return ["settings", ...USER_ROW_COLUMNS, ...emailNames, ...EVENT_VALUES];
}

function template(emails: number): QueryTemplate<Params, unknown> {
  let found = templates.get(emails);
  if (found) return found;
  found = queryTemplate(names(emails), (db, p: Params) => {
    const withUser = db
      // The directory's row, locked as `loadMapping` locks it: a mapping change waits for this write.
      .with("d", (qc) =>
        qc
          .selectFrom("directories")
          .select("id")
          .where("id", "=", p.directory_id as string)
          .where("settings", "=", p.settings as string)
          .forShare(),
      )
      .with("u", (qc) =>
        qc
          .insertInto("directory_users")
          .columns(USER_ROW_COLUMNS)
          .expression((eb) => eb.selectFrom("d").select(USER_ROW_COLUMNS.map((c) => selected(eb, c, p[c]))))
          .returning("id"),
      );
    const withEmails =
      emails === 0
        ? withUser
        : withUser.with("e", (qc) =>
            qc
              .insertInto("user_emails")
              .columns(["user_id", "directory_id", "position", ...EMAIL_VALUES])
              .expression((eb) => {
                const one = (i: number) =>
                  eb
                    .selectFrom("u")
                    .select([
                      "u.id as user_id",
                      selected(eb, "directory_id", p.directory_id),
                      selected(eb, "position", i),
                      ...EMAIL_VALUES.map((c) => selected(eb, c, p[`email${i}_${c}`])),
                    ]);
                let rows = one(0);
                for (let i = 1; i < emails; i++) rows = rows.unionAll(one(i));
                return rows;
              }),
          );
    return withEmails
      .insertInto("events")
      .columns(["id", "event", "organization_id", "directory_id", "data", "created_at"])
      .expression((eb) =>
        eb
          .selectFrom("u")
          .select([
            selected(eb, "id", p.event_id),
            selected(eb, "event", "dsync.user.created"),
            selected(eb, "organization_id", p.organization_id),
            selected(eb, "directory_id", p.directory_id),
            selected(eb, "data", p.event_data),
            selected(eb, "created_at", p.event_created_at),
          ]),
      );
  });
  templates.set(emails, found);
  return found;
}

/**
 * Inserts a new user, its email rows and its `dsync.user.created` event in one statement, so one
 * round trip and one commit (backends with writable CTEs). The statement reads the directory's row
 * `FOR SHARE` and inserts only while its settings are still `settings`, the text the user's
 * derived columns were computed from; it returns false when they were not, having written nothing.
 * A taken userName fails the statement as a unique violation, like the insert it replaces.
 */
export async function insertUserStatement(db: Kysely<Database>, write: UserCreateWrite): Promise<boolean> {
  const { settings, row, emails, event } = write;
  if (emails.length > MAX_STATEMENT_EMAILS)
    throw new Error(`the one-statement create takes at most ${MAX_STATEMENT_EMAILS} emails`);
  const params: Params = {
    settings,
    ...row,
    event_id: event.id,
    event_data: event.data,
    event_created_at: event.created_at,
  };
  emails.forEach((e, i) => {
    for (const c of EMAIL_VALUES) params[`email${i}_${c}`] = e[c];
  });
  return (await template(emails.length).executeWrite(db, params)) === 1;
}
