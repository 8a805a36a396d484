import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { Database } from "../storage/schema.js";

/**
 * Marks a directory `linked` the first time its source is heard from (an authenticated SCIM
 * request). Only an `unlinked` live directory changes, so concurrent first requests write once;
 * returns whether this call made the change.
 */
export async function markDirectoryLinked(db: Kysely<Database>, clock: Clock, directoryId: string): Promise<boolean> {
  const now = clock.now().toISOString();
  const result = await db
    .updateTable("directories")
    .set({ state: "linked", linked_at: now, updated_at: now })
    .where("id", "=", directoryId)
    .where("state", "=", "unlinked")
    .where("deleted_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
