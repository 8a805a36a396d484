import type { Compilable, CompiledQuery, DialectAdapter, Kysely } from "kysely";
import type { StorageCapabilities } from "./capabilities.js";
import { immediateReadsOf } from "./immediate-reads.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database>;

/** A query of fixed shape, built and compiled once per database, run with new values each time. */
export interface QueryTemplate<P, O> {
  execute(db: Db, params: P): Promise<O[]>;
  executeTakeFirst(db: Db, params: P): Promise<O | undefined>;
  /** Rows written by an insert, update or delete. */
  executeWrite(db: Db, params: P): Promise<number>;
  /** The compiled query with `params` bound, for a caller that runs it itself (`sqlite/sqlite-immediate-writes.ts`). */
  bind(db: Db, params: P): CompiledQuery<O>;
}

interface Compiled<O> {
  readonly query: CompiledQuery<O>;
  /** Per compiled parameter: the name of the value it takes, or null for a constant of the query. */
  readonly slots: readonly (string | null)[];
}

const marker = (name: string) => `\u0000roster-template:${name}\u0000`;

/**
 * Kysely builds and compiles a query again on every call, which on a hot path costs more than
 * SQLite takes to run a point lookup. A template builds it once (per database, so per dialect)
 * with a marker in place of each named value, finds where each marker lands among the bound
 * parameters, and from then on only binds new values into that compiled query.
 *
 * So every name in `names` must reach the SQL as a bound value (a `where` operand, an inserted
 * column's value), never shape the SQL (a table or column name, an `in` list's length, a `null`
 * that Kysely would turn into `is null`); compiling throws when a name never arrives or a value
 * was read that is not in `names`.
 */
export function queryTemplate<P extends Record<string, unknown>, O>(
  names: readonly (keyof P & string)[],
  build: (db: Db, params: P) => Compilable<O>,
): QueryTemplate<P, O> {
  const byAdapter = new WeakMap<DialectAdapter, Compiled<O>>();
  const markers = new Map(names.map((name) => [marker(name), name]));

  function compile(db: Db): Compiled<O> {
    const params = Object.fromEntries(names.map((name) => [name, marker(name)])) as unknown as P;
    const query = build(db, params).compile();
    const slots = query.parameters.map((value) => {
      if (value === undefined) throw new Error("query template: a value was read that is not among its names");
      return typeof value === "string" ? (markers.get(value) ?? null) : null;
    });
    for (const name of names)
      if (!slots.includes(name)) throw new Error(`query template: "${name}" does not reach the SQL as a bound value`);
    return { query, slots };
  }

  function bind(db: Db, params: P): CompiledQuery<O> {
    const executor = db.getExecutor();
    // A plugin may rewrite queries per database handle: compile afresh rather than share.
    let compiled = executor.plugins.length === 0 ? byAdapter.get(executor.adapter) : undefined;
    if (!compiled) {
      compiled = compile(db);
      if (executor.plugins.length === 0) byAdapter.set(executor.adapter, compiled);
    }
    const { query, slots } = compiled;
    return { ...query, parameters: slots.map((name, i) => (name === null ? query.parameters[i] : params[name])) };
  }

  // A read the backend can run at once skips Kysely's executor (see immediate-reads.ts).
  async function rows(db: Db, params: P): Promise<O[]> {
    const query = bind(db, params);
    return immediateReadsOf(db)?.rows(query) ?? (await db.executeQuery(query)).rows;
  }

  return {
    bind,
    execute: rows,
    async executeTakeFirst(db, params) {
      return (await rows(db, params))[0];
    },
    async executeWrite(db, params) {
      const result = await db.executeQuery(bind(db, params));
      return Number(result.numAffectedRows ?? 0n);
    },
  };
}

/**
 * One value per backend, built on first use from its capabilities: a template whose query takes
 * a piece from them (a row lock), built once for each.
 */
export function perBackend<T extends object>(
  build: (caps: StorageCapabilities) => T,
): (caps: StorageCapabilities) => T {
  const built = new WeakMap<StorageCapabilities, T>();
  return (caps) => {
    let found = built.get(caps);
    if (!found) {
      found = build(caps);
      built.set(caps, found);
    }
    return found;
  };
}
