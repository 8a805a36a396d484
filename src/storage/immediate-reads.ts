import type { CompiledQuery, Kysely } from "kysely";
import type { Database } from "./schema.js";

/**
 * A read run on the calling turn, skipping Kysely's executor (a connection acquired and released,
 * the drivers' wrappers, their promise turns: on SQLite, more than the point lookup itself costs).
 * Only a backend whose driver runs in-process can offer it (SQLite's one connection), and only
 * when it would read exactly what the executor's way would: committed data, outside any transaction.
 */
export interface ImmediateReads {
  /** The rows of `query`, or `undefined` when it cannot run at once (the caller then goes through Kysely). */
  rows<R>(query: CompiledQuery<R>): R[] | undefined;
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
