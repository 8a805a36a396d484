import { userColumns, type UserInput } from "../directory/index.js";
import type { DirectoryUserRow } from "../storage/schema.js";

/** The stored user as store input again, e.g. to deactivate it unchanged otherwise. */
export function inputFromRow(row: DirectoryUserRow): UserInput {
  return {
    username: row.username,
    idpId: row.idp_id,
    active: row.state === "active",
    emails: JSON.parse(row.emails) as UserInput["emails"],
    firstName: row.first_name,
    lastName: row.last_name,
    jobTitle: row.job_title,
    rawAttributes: JSON.parse(row.raw_attributes) as Record<string, unknown>,
  };
}

/** The stored columns a source record would change (empty: the user is unchanged). */
export function changedUserFields(row: DirectoryUserRow, input: UserInput): string[] {
  const columns = userColumns(input);
  return (Object.keys(columns) as (keyof typeof columns)[]).filter((key) => key !== "username_lower" && row[key] !== columns[key]);
}
