import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { DatabaseConfig } from "../config.js";
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES, type StorageCapabilities } from "./capabilities.js";
import type { Database } from "./schema.js";

export interface Storage {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  close(): Promise<void>;
}

const PG_INT8 = 20;

function openSqlite(file: string): Storage {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, caps: SQLITE_CAPABILITIES, close: () => db.destroy() };
}

function openPostgres(url: string): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // int8 (the events sequence, counts) as JS numbers: they stay far below 2^53.
    types: { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, caps: POSTGRES_CAPABILITIES, close: () => db.destroy() };
}

/** Opens the configured backend. Both give real transactions; nothing else is accepted. */
export function openStorage(config: DatabaseConfig): Storage {
  return config.kind === "postgres" ? openPostgres(config.url) : openSqlite(config.file);
}
