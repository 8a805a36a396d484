import type { Kysely } from "kysely";
import { idsMintedBefore } from "../core/ids.js";
import { deleteInBatches } from "../storage/delete-in-batches.js";
import type { Database } from "../storage/schema.js";

/**
 * Deletes finished sync runs (succeeded or failed) started before `cutoff`, except each
 * directory's newest run, which stays as its last sync's status. Runs that are running or wait for
 * a confirmation are kept. Returns how many went.
 */
export async function pruneSyncRuns(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const bound = idsMintedBefore("syncRun", cutoff.getTime());
  return deleteInBatches(
    async (limit) =>
      (
        await db
          .selectFrom("sync_runs as r")
          .select("r.id")
          .where("r.id", "<", bound)
          .where("r.state", "in", ["succeeded", "failed"])
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom("sync_runs as later")
                .select("later.id")
                .whereRef("later.directory_id", "=", "r.directory_id")
                .whereRef("later.id", ">", "r.id"),
            ),
          )
          .orderBy("r.id")
          .limit(limit)
          .execute()
      ).map((r) => r.id),
    async (ids) => Number((await db.deleteFrom("sync_runs").where("id", "in", ids).executeTakeFirst()).numDeletedRows),
  );
}
