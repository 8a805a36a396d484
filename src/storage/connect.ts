import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type SqliteStatement } from "kysely";
import pg from "pg";
import type { DatabaseConfig } from "../config.js";
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES, type StorageCapabilities } from "./capabilities.js";
import { type EventWrites, watchEventWrites } from "./event-writes.js";
import type { Database } from "./schema.js";
import { pgOtherProcesses } from "./postgres/postgres-event-channel.js";
import { withNamedStatements } from "./postgres/postgres-named-statements.js";
import { startCheckpointer } from "./sqlite/sqlite-checkpointer.js";
import { withGroupCommit } from "./sqlite/sqlite-group-commit.js";
import { turnstileFor, WriterTurnstile } from "./sqlite/sqlite-writer-turnstile.js";

export interface Storage {
  readonly db: Kysely<Database>;
  /** What a background thread of this process needs to open the same database beside it (`StorageOptions.background`). */
  readonly sharing: StorageSharing;
  readonly caps: StorageCapabilities;
  /** Commits through `db` that wrote events, announced after the fact (the delivery worker's wake-up). */
  readonly eventWrites: EventWrites;
  /** The connection pool's state (PostgreSQL), for the metrics; null where there is no pool (SQLite's one connection). */
  poolStats(): PoolStats | null;
  close(): Promise<void>;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  /** Requests waiting for a connection: above zero for long, the pool is too small or queries too slow. */
  readonly waiting: number;
}

/** Handed to a background thread so its connection and the serving one take turns at SQLite's write lock. */
export interface StorageSharing {
  readonly sqliteTurnstile?: SharedArrayBuffer | undefined;
}

export interface StorageOptions {
  /**
   * A background thread's connection (a sync run's), opened beside this process's serving one:
   * it may block its own thread waiting for SQLite's write lock and gives way to the serving
   * thread; it starts no checkpointer and keeps a small PostgreSQL pool.
   */
  readonly background?: StorageSharing | undefined;
}

/** How long a background SQLite connection waits for the write lock before giving up. */
const BACKGROUND_BUSY_TIMEOUT_MS = 60_000;
/** A background thread runs one chain of statements at a time (plus its lease renewal). */
const BACKGROUND_PG_POOL = 3;

const PG_INT8 = 20;

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

function openSqlite(file: string, options: StorageOptions): Storage {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  // Each transaction runs in a savepoint of a group (sqlite/sqlite-group-commit.ts), and SQLite journals
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
  const turnstile = options.background?.sqliteTurnstile ? new WriterTurnstile(options.background.sqliteTurnstile) : turnstileFor(file);
  const writer = { role: background ? ("background" as const) : ("serving" as const), turnstile };
  const { dialect, eventWrites } = watchEventWrites(withGroupCommit(new SqliteDialect({ database: withStatementCache(database) }), database, writer));
  const db = new Kysely<Database>({ dialect });
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

function openPostgres(url: string, options: StorageOptions): Storage {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.background ? BACKGROUND_PG_POOL : 10,
    // int8 (the events sequence, counts) as JS numbers: they stay far below 2^53.
    types: { getTypeParser: (oid: number, format?: "text" | "binary") => (oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
  });
  // An idle client whose server connection ends (restart, failover, a forced drop) emits an error;
  // unhandled it would crash the process. The pool replaces it on the next checkout.
  pool.on("error", () => {});
  // The pool listens only to idle clients: one checked out (inside a transaction, or between a
  // query and its release) whose connection drops would emit an error nobody hears, which ends
  // the process. The query in flight still fails with it, and the pool discards the client.
  pool.on("connect", (client) => client.on("error", () => {}));
  const channel = POSTGRES_CAPABILITIES.eventsNotifyChannel;
  // A background thread's commits are told to its process, which tells the others.
  const otherProcesses = channel === null || options.background ? undefined : pgOtherProcesses(url, pool, channel);
  const { dialect, eventWrites } = watchEventWrites(new PostgresDialect({ pool: withNamedStatements(pool) }), otherProcesses);
  const db = new Kysely<Database>({ dialect });
  return {
    db,
    sharing: {},
    caps: POSTGRES_CAPABILITIES,
    eventWrites,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await eventWrites.close();
      await db.destroy();
    },
  };
}

/** Opens the configured backend. Both give real transactions; nothing else is accepted. */
export function openStorage(config: DatabaseConfig, options: StorageOptions = {}): Storage {
  return config.kind === "postgres" ? openPostgres(config.url, options) : openSqlite(config.file, options);
}
