import type { Kysely } from "kysely";
import { idsMintedBefore } from "../core/ids.js";
import type { Database } from "../storage/schema.js";

const BATCH = 1000;

/**
 * Deletes the deliveries that are done (succeeded, or failed for good) and were created and last
 * changed before `cutoff`, with their attempts (the foreign key cascades). Pending deliveries are
 * never touched. Batches of a thousand, each its own statement, so writers are never held up long;
 * the ids' time prefix finds the old rows through the primary key. Returns how many went.
 */
export async function pruneDeliveries(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const bound = idsMintedBefore("delivery", cutoff.getTime());
  const changedBefore = cutoff.toISOString();
  let total = 0;
  for (;;) {
    const ids = await db
      .selectFrom("webhook_deliveries")
      .select("id")
      .where("id", "<", bound)
      .where("state", "in", ["succeeded", "failed"])
      .where("updated_at", "<", changedBefore)
      .orderBy("id")
      .limit(BATCH)
      .execute();
    if (ids.length === 0) return total;
    const deleted = await db
      .deleteFrom("webhook_deliveries")
      .where("id", "in", ids.map((r) => r.id))
      // Replayed meanwhile: pending again, so kept.
      .where("state", "in", ["succeeded", "failed"])
      .executeTakeFirst();
    total += Number(deleted.numDeletedRows);
    if (ids.length < BATCH) return total;
  }
}
