/**
 * Database failures that are the server's condition, not the client's mistake nor a bug: a full
 * disk, a database that refuses writes, a connection that is gone. Requests that meet one answer
 * 503 with what happened and `Retry-After`, instead of a bare 500; nothing was written (the
 * transaction rolled back), and the next request succeeds once the condition clears.
 */
export interface StorageUnavailable {
  readonly reason: "full" | "read_only" | "unreachable" | "rolled_back";
  readonly message: string;
}

const FULL = {
  reason: "full",
  message: "The database is out of space; nothing was written. Retry once space is freed",
} as const;
const READ_ONLY = {
  reason: "read_only",
  message: "The database is read-only; nothing was written. Retry once it accepts writes",
} as const;
const ROLLED_BACK = {
  reason: "rolled_back",
  message: "The database rolled the transaction back after another one failed; nothing was written. Retry",
} as const;
const UNREACHABLE = {
  reason: "unreachable",
  message: "The database cannot be reached; nothing was written. Retry shortly",
} as const;

// SQLite result codes (better-sqlite3's `code`), extended codes included by prefix.
const SQLITE: readonly [string, StorageUnavailable][] = [
  ["SQLITE_FULL", FULL],
  ["SQLITE_READONLY", READ_ONLY],
  ["SQLITE_IOERR", UNREACHABLE],
  ["SQLITE_CANTOPEN", UNREACHABLE],
  ["SQLITE_ABORT", ROLLED_BACK],
];

// PostgreSQL SQLSTATEs: 53100 disk_full, 53200 out_of_memory, 53300 too_many_connections,
// 25006 read_only_sql_transaction (a standby, default_transaction_read_only), 57P01-57P03 the
// server shutting down or starting, class 08 connection exceptions.
const POSTGRES: Readonly<Record<string, StorageUnavailable>> = {
  "53100": FULL,
  "53200": UNREACHABLE,
  "53300": UNREACHABLE,
  "25006": READ_ONLY,
  "57P01": UNREACHABLE,
  "57P02": UNREACHABLE,
  "57P03": UNREACHABLE,
};

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);
// node-postgres reports a dropped connection or a pool that could not connect only in words.
const PG_CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error/,
];

/** What a thrown database error says about the database's condition, or null if it is not one of these. */
export function storageUnavailable(error: unknown): StorageUnavailable | null {
  for (let cause: unknown = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") {
      const sqlite = SQLITE.find(([prefix]) => code === prefix || code.startsWith(`${prefix}_`));
      if (sqlite) return sqlite[1];
      const postgres = POSTGRES[code] ?? (/^08[0-9A-Z]{3}$/.test(code) ? UNREACHABLE : undefined);
      if (postgres) return postgres;
      if (SOCKET_CODES.has(code)) return UNREACHABLE;
    }
    if (PG_CONNECTION_MESSAGES.some((pattern) => pattern.test(cause instanceof Error ? cause.message : "")))
      return UNREACHABLE;
  }
  return null;
}
