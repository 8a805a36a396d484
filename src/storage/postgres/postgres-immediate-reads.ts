import type { CompiledQuery } from "kysely";
import type pg from "pg";
import type { ImmediateReads } from "../immediate-reads.js";
import type { StatementNames } from "./postgres-named-statements.js";

/**
 * Reads sent straight to the pool, under the same statement names Kysely's statements get: what
 * Kysely's executor would do for a read on the root handle (any idle connection, autocommit),
 * without its connection provider, the driver's wrappers and their promise turns. Only a plain
 * `select` goes this way: a statement that writes (a CTE, a `RETURNING`) stays with Kysely's
 * driver, whose wrapper tells the other processes of committed events.
 */
export function postgresImmediateReads(pool: pg.Pool, nameOf: StatementNames): ImmediateReads {
  return {
    rows<R>(query: CompiledQuery<R>): Promise<R[]> | undefined {
      if (!query.sql.startsWith("select ")) return undefined;
      const name = nameOf(query.sql);
      return pool.query({ text: query.sql, values: query.parameters as unknown[], ...(name ? { name } : {}) }).then((result) => result.rows as R[]);
    },
  };
}
