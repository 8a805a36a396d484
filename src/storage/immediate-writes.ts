import type { Kysely } from "kysely";
import type { UserCreateWrite } from "./capabilities.js";
import type { Database } from "./schema.js";

/**
 * Writes run on the calling turn, skipping Kysely's executor, as `immediate-reads.ts` does for
 * reads: only a backend whose driver runs in-process can offer them (SQLite's one connection), and
 * only when its driver would have run the transaction at once too. Each is still one transaction
 * with its event, and resolves only once that is durable.
 */
export interface ImmediateWrites {
  /**
   * `OneStatementWrites.createUser`'s contract (the user, its email rows and its event, while the
   * directory's settings are still `write.settings`; false, having written nothing, when they
   * moved; a taken userName fails as a unique violation), or `undefined`, having run nothing, when
   * it cannot run at once: the caller then takes the transaction.
   */
  createUser(write: UserCreateWrite): Promise<boolean> | undefined;
}

// By database handle, as the immediate reads are: a transaction is another object, absent here.
const offered = new WeakMap<Kysely<Database>, ImmediateWrites>();

/** Lets writes through `db` (the root handle a backend opened) run at once where `writes` can. */
export function offerImmediateWrites(db: Kysely<Database>, writes: ImmediateWrites): void {
  offered.set(db, writes);
}

/** The immediate writes `db` offers, if any. */
export function immediateWritesOf(db: Kysely<Database>): ImmediateWrites | undefined {
  return offered.get(db);
}
