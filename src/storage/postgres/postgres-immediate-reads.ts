import type { CompiledQuery } from "kysely";
import type { ImmediateReads } from "../immediate-reads.js";
import type { StatementNames } from "./postgres-named-statements.js";
import type { ReadPipeline } from "./postgres-read-pipeline.js";

/**
 * Reads sent straight to a connection of their own (postgres-read-pipeline.ts), under the same
 * statement names Kysely's statements get: what Kysely's executor would do for a read on the root
 * handle (autocommit, committed data), without its connection provider, the pool's checkout, the
 * driver's wrappers and their promise turns. Only a plain
 * `select` goes this way: a statement that writes (a CTE, a `RETURNING`) stays with Kysely's
 * driver, whose wrapper tells the other processes of committed events.
 */
export function postgresImmediateReads(pipeline: ReadPipeline, nameOf: StatementNames): ImmediateReads {
  return {
    rows<R>(query: CompiledQuery<R>): Promise<R[]> | undefined {
      if (!query.sql.startsWith("select ")) return undefined;
      const name = nameOf(query.sql);
      return pipeline
        .query({ text: query.sql, values: query.parameters as unknown[], ...(name ? { name } : {}) })
        .then((result) => result.rows as R[]);
    },
  };
}
