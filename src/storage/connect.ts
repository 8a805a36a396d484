import type { Kysely } from "kysely";
import type { DatabaseConfig } from "../config.js";
import type { StorageCapabilities } from "./capabilities.js";
import type { EventWrites } from "./event-writes.js";
import { openPostgres } from "./postgres/postgres-connect.js";
import { postgresProblem } from "./postgres/postgres-open-problem.js";
import type { Database } from "./schema.js";
import { openSqlite } from "./sqlite/sqlite-connect.js";
import { sqliteProblem } from "./sqlite/sqlite-open-problem.js";

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

/** Opens the configured backend. Both give real transactions; nothing else is accepted. */
export function openStorage(config: DatabaseConfig, options: StorageOptions = {}): Storage {
  return config.kind === "postgres" ? openPostgres(config.url, options) : openSqlite(config.file, options);
}

/**
 * What an operator can do about `err`, thrown while opening or migrating the database of
 * `config` (a server that refused, a file that cannot be opened), as one line naming the setting
 * to change; null when it is none of those.
 */
export function explainOpenFailure(err: unknown, config: DatabaseConfig): string | null {
  return config.kind === "postgres" ? postgresProblem(err, config.url) : sqliteProblem(err, config.file);
}
