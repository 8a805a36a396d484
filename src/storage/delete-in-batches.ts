/** Rows per batch: each batch is its own statement, so a large prune never holds writers up for long. */
export const DELETE_BATCH = 1000;

/**
 * Deletes what `pick` finds, `DELETE_BATCH` ids at a time, until it finds fewer: `pick(limit)`
 * returns the next ids to delete, `remove(ids)` deletes them (re-checking what must still hold) and
 * says how many went. Returns the total.
 */
export async function deleteInBatches(
  pick: (limit: number) => Promise<string[]>,
  remove: (ids: string[]) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const ids = await pick(DELETE_BATCH);
    if (ids.length > 0) total += await remove(ids);
    if (ids.length < DELETE_BATCH) return total;
  }
}
