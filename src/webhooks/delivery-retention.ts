import type { Kysely } from "kysely";
import { idsMintedBefore } from "../core/ids.js";
import { deleteInBatches } from "../storage/delete-in-batches.js";
import type { Database } from "../storage/schema.js";

const DONE = ["succeeded", "failed"];

/**
 * Deletes the deliveries that are done (succeeded, or failed for good) and were created and last
 * changed before `cutoff`, with their attempts (the foreign key cascades). Pending deliveries are
 * never touched. The ids' time prefix finds the old rows through the primary key. Returns how many went.
 */
export async function pruneDeliveries(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const bound = idsMintedBefore("delivery", cutoff.getTime());
  const changedBefore = cutoff.toISOString();
  return deleteInBatches(
    async (limit) =>
      (
        await db
          .selectFrom("webhook_deliveries")
          .select("id")
          .where("id", "<", bound)
          .where("state", "in", DONE)
          .where("updated_at", "<", changedBefore)
          .orderBy("id")
          .limit(limit)
          .execute()
      ).map((r) => r.id),
    // A delivery replayed meanwhile is pending again, so kept.
    async (ids) =>
      Number(
        (await db.deleteFrom("webhook_deliveries").where("id", "in", ids).where("state", "in", DONE).executeTakeFirst())
          .numDeletedRows,
      ),
  );
}
