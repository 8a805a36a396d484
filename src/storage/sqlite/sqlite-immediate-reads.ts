import type { CompiledQuery, SqliteDatabase } from "kysely";
import type { ImmediateReads } from "../immediate-reads.js";
import { isBusy } from "./sqlite-writer-turnstile.js";

/** The part of a better-sqlite3 statement an immediate read uses (Kysely's `SqliteStatement` lacks `readonly`). */
interface ReadStatement {
  readonly reader: boolean;
  readonly readonly: boolean;
  all(parameters: readonly unknown[]): unknown[];
}

/**
 * Reads on SQLite's one connection, at once, when `connectionIdle` says the group-commit driver
 * would have run them at once too (nobody holds or awaits the connection, no group waits for its
 * COMMIT, no transaction is open): they then read the same committed data the driver's way would,
 * through the same prepared statements. Anything else (a statement that writes, even a `RETURNING`
 * one; a busy database, which only the driver's retry handles) is left to the driver.
 */
export function sqliteImmediateReads(database: SqliteDatabase, connectionIdle: () => boolean): ImmediateReads {
  return {
    rows<R>(query: CompiledQuery<R>): R[] | undefined {
      if (!connectionIdle()) return undefined;
      const statement = database.prepare(query.sql) as unknown as ReadStatement;
      if (!statement.reader || !statement.readonly) return undefined;
      try {
        return statement.all(query.parameters) as R[];
      } catch (error) {
        if (isBusy(error)) return undefined;
        throw error;
      }
    },
  };
}
