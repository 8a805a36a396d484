import type { CompiledQuery, Kysely, SqliteDatabase } from "kysely";
import type { UserCreateWrite } from "../capabilities.js";
import type { ImmediateWrites } from "../immediate-writes.js";
import { queryTemplate } from "../query-template.js";
import {
  type Database,
  type DirectoryUserRow,
  type EventInsertRow,
  USER_ROW_COLUMNS,
  type UserEmailRow,
} from "../schema.js";

const settingsOf = queryTemplate(["directoryId"], (db, p: { directoryId: string }) =>
  db.selectFrom("directories").select("settings").where("id", "=", p.directoryId),
);
const insertUser = queryTemplate(USER_ROW_COLUMNS, (db, row: DirectoryUserRow) =>
  db.insertInto("directory_users").values(row),
);
const insertEmail = queryTemplate(
  ["user_id", "directory_id", "position", "value", "value_lower", "type", "primary"],
  (db, row: UserEmailRow) => db.insertInto("user_emails").values(row),
);
const insertEvent = queryTemplate(
  ["id", "event", "organization_id", "directory_id", "data", "created_at"],
  (db, row: EventInsertRow) => db.insertInto("events").values(row),
);

/** Runs a write transaction's statements synchronously as a member of a commit group (`GroupCommitDriver.atOnce`). */
export type AtOnce = <T>(
  database: SqliteDatabase,
  work: (run: (query: CompiledQuery) => void) => T,
) => Promise<T> | undefined;

/**
 * A SCIM create on SQLite without Kysely's executor: the statements of the store's transaction
 * (the directory's settings, the user, its emails, its event) run on the calling turn through the
 * same prepared statements, as a member of the open commit group, and the create answers
 * once the group's COMMIT has. Through the executor each statement took its own promise turns
 * and wrappers, which on a create cost about as much as the inserts themselves. `announce` tells
 * the event listeners after the commit, as the event-watching driver does for the executor's way.
 */
export function sqliteImmediateWrites(
  db: Kysely<Database>,
  database: SqliteDatabase,
  atOnce: AtOnce,
  announce: () => void,
): ImmediateWrites {
  return {
    createUser(write: UserCreateWrite): Promise<boolean> | undefined {
      const written = atOnce(database, (run) => {
        const read = settingsOf.bind(db, { directoryId: write.row.directory_id });
        const current = database.prepare(read.sql).all(read.parameters)[0] as { settings: string } | undefined;
        // The caller's mapping was compiled from other settings (or the directory is gone): write nothing.
        if (current?.settings !== write.settings) return false;
        // First, as `atOnce` wants: the write a taken userName (a unique key) refuses.
        run(insertUser.bind(db, write.row));
        for (const email of write.emails) run(insertEmail.bind(db, email));
        run(insertEvent.bind(db, write.event));
        return true;
      });
      return written?.then((done) => {
        if (done) announce();
        return done;
      });
    },
  };
}
