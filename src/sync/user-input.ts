import { userColumns, type UserInput } from "../directory/index.js";
import type { DirectoryUserRow } from "../storage/schema.js";

/** The stored columns a source record would change (empty: the user is unchanged). */
export function changedUserFields(row: DirectoryUserRow, input: UserInput): string[] {
  const columns = userColumns(input);
  return (Object.keys(columns) as (keyof typeof columns)[]).filter(
    (key) => key !== "username_lower" && row[key] !== columns[key],
  );
}
