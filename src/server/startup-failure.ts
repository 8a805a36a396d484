import { ConfigError, type DatabaseConfig } from "../config.js";

/** What `serve`, `worker` and `migrate` need to know to explain a failed start. */
export interface StartupContext {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
}

/** An error as Node, pg and better-sqlite3 shape them: a code, maybe a cause or several errors. */
interface CodedError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
}

/** Every error in the chain: the error, its causes, and an AggregateError's parts (Node's happy eyeballs). */
function chain(err: unknown): CodedError[] {
  const found: CodedError[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && found.length < 20) {
    const next = queue.shift();
    if (typeof next !== "object" || next === null) continue;
    const coded = next as CodedError;
    found.push(coded);
    if (coded.cause !== undefined) queue.push(coded.cause);
    if (Array.isArray(coded.errors)) queue.push(...coded.errors);
  }
  return found;
}

function codeIn(err: unknown, codes: readonly string[]): CodedError | undefined {
  return chain(err).find((e) => typeof e.code === "string" && codes.includes(e.code));
}

/** `postgres://user@host:port/db` without its password, to name the server in a message. */
function pgTarget(url: string): { readonly user: string; readonly server: string; readonly database: string } {
  try {
    const parsed = new URL(url);
    return {
      user: decodeURIComponent(parsed.username) || "(the default user)",
      server: `${parsed.hostname || "localhost"}:${parsed.port || "5432"}`,
      database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(the default database)",
    };
  } catch {
    return { user: "?", server: "?", database: "?" };
  }
}

function messageOf(err: CodedError): string {
  return typeof err.message === "string" ? err.message : String(err.code);
}

/** `ENOTDIR: not a directory, mkdir '/x'`: the code once, with Node's own message. */
function codeAndMessage(err: CodedError): string {
  const message = messageOf(err);
  return message.startsWith(String(err.code)) ? message : `${String(err.code)}: ${message}`;
}

/** A failure of the listening socket itself (Node sets `syscall: "listen"`), not of a file or the database. */
function listenProblem(err: unknown, context: StartupContext): string | null {
  const listen = chain(err).find((e) => e.syscall === "listen" && typeof e.code === "string");
  if (!listen) return null;
  const at = `${context.host}:${context.port}`;
  if (listen.code === "EADDRINUSE") return `Port ${context.port} on ${context.host} is already in use (another Roster?). Stop that process, or set PORT to a free port.`;
  if (listen.code === "EACCES") return `Not allowed to listen on ${at}: ports below 1024 need privileges. Set PORT to 1024 or above (and put a reverse proxy in front, docs/https.md).`;
  if (listen.code === "EADDRNOTAVAIL") return `Cannot listen on ${at}: ${context.host} is not an address of this machine. Set HOST (127.0.0.1, or 0.0.0.0 for every interface).`;
  return `Cannot listen on ${at} (${codeAndMessage(listen)}). Check HOST and PORT.`;
}

function postgresProblem(err: unknown, url: string): string | null {
  const { user, server, database } = pgTarget(url);
  const unreachable = codeIn(err, ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ECONNRESET"]);
  if (unreachable) return `Cannot reach PostgreSQL at ${server} (${String(unreachable.code)}). Check that it runs and accepts connections there, or fix the host and port in DATABASE_URL.`;
  const refused = codeIn(err, ["28000", "28P01", "3D000", "42501"]);
  if (!refused) return null;
  switch (refused.code) {
    case "28000":
      return `PostgreSQL at ${server} refused the role ${user}: ${messageOf(refused)}. Create it (docs/postgresql.md, "Create the role and the database") or change the user in DATABASE_URL.`;
    case "28P01":
      return `PostgreSQL at ${server} refused the password of ${user}. Fix the password in DATABASE_URL.`;
    case "3D000":
      return `The database ${database} does not exist on PostgreSQL at ${server}. Create it (docs/postgresql.md, "Create the role and the database") or change the database name in DATABASE_URL.`;
    default:
      return `The role ${user} lacks a privilege in ${database} on ${server}: ${messageOf(refused)}. Make the role the database's owner (docs/postgresql.md) or use another role in DATABASE_URL.`;
  }
}

const SQLITE_OPEN_CODES = ["SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM"];
const FILE_SYSTEM_CODES = ["EACCES", "EPERM", "ENOENT", "EROFS", "ENOTDIR", "EISDIR", "EEXIST"];

function sqliteProblem(err: unknown, file: string): string | null {
  // A file-system error counts only when it is about the database file or a folder on its way.
  const aboutTheFile = (e: CodedError) => typeof e.path === "string" && (file === e.path || file.startsWith(`${e.path}/`));
  const cannotOpen =
    codeIn(err, SQLITE_OPEN_CODES) ?? chain(err).find((e) => typeof e.code === "string" && FILE_SYSTEM_CODES.includes(e.code) && aboutTheFile(e));
  if (!cannotOpen) return null;
  return `Cannot open the SQLite database ${file} (${codeAndMessage(cannotOpen)}). Set ROSTER_DATA_DIR (or DATABASE_URL=sqlite:<file>) to a writable place.`;
}

/**
 * One or two lines a person can act on for a start that failed for a reason outside Roster (a
 * bad setting, a database it cannot use, a port taken), naming the setting to change; null for
 * anything else, which keeps its stack trace (it is a bug to report).
 */
export function explainStartupFailure(err: unknown, context: StartupContext | null): string | null {
  if (err instanceof ConfigError) return /[.!]$/.test(err.message) ? err.message : `${err.message}.`;
  if (context === null) return null;
  const listen = listenProblem(err, context);
  if (listen) return listen;
  return context.database.kind === "postgres" ? postgresProblem(err, context.database.url) : sqliteProblem(err, context.database.file);
}
