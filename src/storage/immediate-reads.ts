import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * A read that skips Kysely's executor (a connection acquired and released, the drivers' wrappers,
 * their promise turns: on SQLite, more than the point lookup itself costs), offered only when it
 * reads exactly what the executor's way would: committed data, outside any transaction. SQLite
 * runs it on the calling turn on its one connection when that is idle; PostgreSQL sends it
 * straight to the pool.
 */
export interface ImmediateReads {
  /** The rows of `query` (or their promise), or `undefined` when it cannot go this way (the caller then goes through Kysely). */
  rows<R>(query: CompiledQuery<R>): R[] | Promise<R[]> | undefined;
}

// By database handle, as the statement templates are: a transaction or a handle with plugins is
// another object, absent here, so it always goes the executor's way.
const offered = new WeakMap<Kysely<Database>, ImmediateReads>();

/** Lets reads through `db` (the root handle a backend opened) run at once where `reads` can. */
export function offerImmediateReads(db: Kysely<Database>, reads: ImmediateReads): void {
  offered.set(db, reads);
}

/** The immediate reads `db` offers, if any. */
export function immediateReadsOf(db: Kysely<Database>): ImmediateReads | undefined {
  return offered.get(db);
}
