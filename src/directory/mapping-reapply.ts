import { loadMapping } from "./mapping/directory-mapping.js";
import { refreshDerived } from "./refresh-derived.js";
import type { DirectoryContext } from "./types.js";
import type { StoreDeps } from "./user-store.js";

const BATCH = 500;

/**
 * Applies the directory's current mappings to every user, one transaction per batch of users in
 * id order, so a large directory never holds one long transaction. Returns how many users changed.
 */
export async function reapplyMapping(deps: StoreDeps, dir: DirectoryContext): Promise<number> {
  let changed = 0;
  let after: string | null = null;
  for (;;) {
    let query = deps.db.selectFrom("directory_users").select("id").where("directory_id", "=", dir.id);
    if (after !== null) query = query.where("id", ">", after);
    const ids = (await query.orderBy("id").limit(BATCH).execute()).map((r) => r.id);
    if (ids.length === 0) return changed;
    changed += await deps.db
      .transaction()
      .execute(async (trx) => refreshDerived(trx, deps, dir, await loadMapping(trx, deps.caps, dir.id), ids));
    after = ids.at(-1) ?? null;
  }
}
