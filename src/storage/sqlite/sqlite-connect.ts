import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";
import type { Storage, StorageOptions } from "../connect.js";
import { watchEventWrites } from "../event-writes.js";
import { offerImmediateReads } from "../immediate-reads.js";
import { offerImmediateWrites } from "../immediate-writes.js";
import type { Database } from "../schema.js";
import { SQLITE_CAPABILITIES } from "./sqlite-capabilities.js";
import { startCheckpointer } from "./sqlite-checkpointer.js";
import { withGroupCommit } from "./sqlite-group-commit.js";
import { sqliteImmediateReads } from "./sqlite-immediate-reads.js";
import { sqliteImmediateWrites } from "./sqlite-immediate-writes.js";
import { registerUnicodeLower } from "./sqlite-unicode-lower.js";
import { turnstileFor, WriterTurnstile } from "./sqlite-writer-turnstile.js";

/** How long a background SQLite connection waits for the write lock before giving up. */
const BACKGROUND_BUSY_TIMEOUT_MS = 60_000;

const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 behind a prepared-statement cache: Kysely prepares every query afresh, and
 * preparing costs more than running a point lookup. Queries are parameterized, so their text
 * repeats and a small cache catches nearly all of them.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement as unknown as SqliteStatement;
    },
  };
}

/** One better-sqlite3 connection behind Kysely: WAL, group commit, the writer turnstile, and (serving, on disk) the checkpointer thread. */
export function openSqlite(file: string, options: StorageOptions): Storage {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  registerUnicodeLower(database);
  // Each transaction runs in a savepoint of a group (sqlite-group-commit.ts), and SQLite journals
  // every page a savepoint changes to a temporary file: on disk by default, that doubled the
  // writes of a create (two pwrite calls per page). In memory it costs only the pages of one
  // transaction; temporary sort tables live there too.
  database.pragma("temp_store = MEMORY");
  const background = options.background !== undefined;
  // The serving thread must not sleep in SQLite's busy handler: its driver retries asynchronously.
  database.pragma(`busy_timeout = ${background ? BACKGROUND_BUSY_TIMEOUT_MS : 0}`);
  const onDisk = file !== ":memory:";
  // No connection checkpoints itself; the serving connection's checkpointer thread does (see there).
  if (onDisk) database.pragma("wal_autocheckpoint = 0");
  const checkpointer = onDisk && !background ? startCheckpointer(file) : null;
  const turnstile = options.background?.sqliteTurnstile
    ? new WriterTurnstile(options.background.sqliteTurnstile)
    : turnstileFor(file);
  const writer = { role: background ? ("background" as const) : ("serving" as const), turnstile };
  const statements = withStatementCache(database);
  const groupCommit = withGroupCommit(new SqliteDialect({ database: statements }), database, writer);
  const { dialect, eventWrites } = watchEventWrites(groupCommit.dialect);
  const db = new Kysely<Database>({ dialect });
  offerImmediateReads(db, sqliteImmediateReads(statements, groupCommit.connectionIdle));
  offerImmediateWrites(db, sqliteImmediateWrites(db, statements, groupCommit.atOnce, eventWrites.announce));
  return {
    db,
    sharing: { sqliteTurnstile: turnstile.buffer },
    caps: SQLITE_CAPABILITIES,
    eventWrites,
    poolStats: () => null,
    async close() {
      await eventWrites.close();
      await db.destroy();
      await checkpointer?.stop();
    },
  };
}
