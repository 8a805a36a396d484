import type { StorageCapabilities } from "../storage/capabilities.js";
import { perBackend, queryTemplate } from "../storage/query-template.js";
import { chunks } from "../storage/value-lists.js";
import { type DirectoryUserRow, USER_ROW_COLUMNS, type UserEmailRow } from "../storage/schema.js";
import type { Db, EmailInput, UserInput } from "./types.js";
import { type DirectoryUser, toDirectoryUser } from "./user-object.js";

/** The primary email: the one marked primary, else the first work email, else the first. */
export function primaryEmail(emails: readonly EmailInput[]): string | null {
  return (emails.find((e) => e.primary) ?? emails.find((e) => e.type === "work") ?? emails[0])?.value ?? null;
}

/** The columns derived from a normalized user (everything but ids, times and version). */
export function userColumns(input: UserInput) {
  return {
    idp_id: input.idpId,
    username: input.username,
    username_lower: input.username.toLowerCase(),
    email: primaryEmail(input.emails),
    emails: JSON.stringify(input.emails.map((e) => ({ primary: e.primary, type: e.type, value: e.value }))),
    first_name: input.firstName,
    last_name: input.lastName,
    job_title: input.jobTitle,
    state: input.active ? "active" : "inactive",
    raw_attributes: JSON.stringify(input.rawAttributes),
  };
}

/** The columns a source sets, as a stored row has them (a deactivation keeps all but the state). */
export function sourceColumnsOf(row: DirectoryUserRow): ReturnType<typeof userColumns> {
  const { idp_id, username, username_lower, email, emails, first_name, last_name, job_title, state, raw_attributes } =
    row;
  return { idp_id, username, username_lower, email, emails, first_name, last_name, job_title, state, raw_attributes };
}

const insertUser = queryTemplate(USER_ROW_COLUMNS, (db, row: DirectoryUserRow) =>
  db.insertInto("directory_users").values(row),
);

/** Inserts one user's row. */
export async function insertUserRow(trx: Db, row: DirectoryUserRow): Promise<void> {
  await insertUser.executeWrite(trx, row);
}

export type EmailRow = UserEmailRow;
const EMAIL_COLUMNS = ["user_id", "directory_id", "position", "value", "value_lower", "type", "primary"] as const;
const insertOneEmail = queryTemplate(EMAIL_COLUMNS, (db, row: EmailRow) => db.insertInto("user_emails").values(row));

/** A user's `user_emails` index rows. */
export function emailRows(userId: string, directoryId: string, emails: readonly EmailInput[]): EmailRow[] {
  return emails.map((e, position) => ({
    user_id: userId,
    directory_id: directoryId,
    position,
    value: e.value,
    value_lower: e.value.toLowerCase(),
    type: e.type,
    primary: e.primary ? 1 : 0,
  }));
}

/** Rewrites a user's email index rows; `fresh` skips the delete for a user just inserted. */
export async function writeEmails(
  trx: Db,
  userId: string,
  directoryId: string,
  emails: readonly EmailInput[],
  fresh = false,
): Promise<void> {
  if (!fresh) await trx.deleteFrom("user_emails").where("user_id", "=", userId).execute();
  const rows = emailRows(userId, directoryId, emails);
  const [only] = rows;
  if (rows.length === 1 && only) await insertOneEmail.executeWrite(trx, only);
  else if (rows.length > 0) await trx.insertInto("user_emails").values(rows).execute();
}

/** Email index rows of many users just inserted, in multi-row statements. */
export async function writeEmailsOfMany(
  trx: Db,
  directoryId: string,
  users: readonly { userId: string; emails: readonly EmailInput[] }[],
): Promise<void> {
  const rows = users.flatMap(({ userId, emails }) => emailRows(userId, directoryId, emails));
  for (const part of chunks(rows, 300)) await trx.insertInto("user_emails").values(part).execute();
}

/** Loads users (emails included), one indexed query per chunk of ids. */
export async function loadUsers(
  db: Db,
  directoryId: string,
  ids: readonly string[],
): Promise<Map<string, { row: DirectoryUserRow; user: DirectoryUser }>> {
  const found = new Map<string, { row: DirectoryUserRow; user: DirectoryUser }>();
  for (const part of chunks([...new Set(ids)].sort())) {
    const rows = await db
      .selectFrom("directory_users")
      .selectAll()
      .where("directory_id", "=", directoryId)
      .where("id", "in", part)
      .execute();
    for (const row of rows) found.set(row.id, { row, user: toDirectoryUser(row) });
  }
  return found;
}

/**
 * `loadUsers`, holding their rows until the transaction ends (where the backend locks rows),
 * taken in id order so two lockers never deadlock.
 */
export async function lockUsers(
  db: Db,
  caps: StorageCapabilities,
  directoryId: string,
  ids: readonly string[],
): Promise<Map<string, { row: DirectoryUserRow; user: DirectoryUser }>> {
  const found = new Map<string, { row: DirectoryUserRow; user: DirectoryUser }>();
  for (const part of chunks([...new Set(ids)].sort())) {
    const rows = await caps
      .lockForNoKeyUpdate(
        db
          .selectFrom("directory_users")
          .selectAll()
          .where("directory_id", "=", directoryId)
          .where("id", "in", part)
          .orderBy("id"),
      )
      .execute();
    for (const row of rows) found.set(row.id, { row, user: toDirectoryUser(row) });
  }
  return found;
}

type UserKey = { directoryId: string; id: string };
const userById = queryTemplate(["directoryId", "id"], (db, p: UserKey) =>
  db.selectFrom("directory_users").selectAll().where("directory_id", "=", p.directoryId).where("id", "=", p.id),
);
const lockedUserById = perBackend((caps) =>
  queryTemplate(["directoryId", "id"], (db, p: UserKey) =>
    caps.lockForNoKeyUpdate(
      db.selectFrom("directory_users").selectAll().where("directory_id", "=", p.directoryId).where("id", "=", p.id),
    ),
  ),
);

export async function loadUser(
  db: Db,
  directoryId: string,
  id: string,
): Promise<{ row: DirectoryUserRow; user: DirectoryUser } | undefined> {
  const row = await userById.executeTakeFirst(db, { directoryId, id });
  return row && { row, user: toDirectoryUser(row) };
}

/** `loadUser`, holding its row until the transaction ends (where the backend locks rows). */
export async function lockUser(
  db: Db,
  caps: StorageCapabilities,
  directoryId: string,
  id: string,
): Promise<{ row: DirectoryUserRow; user: DirectoryUser } | undefined> {
  const row = await lockedUserById(caps).executeTakeFirst(db, { directoryId, id });
  return row && { row, user: toDirectoryUser(row) };
}
