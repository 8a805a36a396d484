import { ConfigError, type DatabaseConfig } from "../config.js";
import { explainOpenFailure } from "../storage/connect.js";
import { chain, codeAndMessage } from "../storage/driver-errors.js";

/** What `serve`, `worker` and `migrate` need to know to explain a failed start. */
export interface StartupContext {
  readonly host: string;
  readonly port: number;
  readonly database: DatabaseConfig;
}

/** A failure of the listening socket itself (Node sets `syscall: "listen"`), not of a file or the database. */
function listenProblem(err: unknown, context: StartupContext): string | null {
  const listen = chain(err).find((e) => e.syscall === "listen" && typeof e.code === "string");
  if (!listen) return null;
  const at = `${context.host}:${context.port}`;
  if (listen.code === "EADDRINUSE")
    return `Port ${context.port} on ${context.host} is already in use (another Roster?). Stop that process, or set PORT to a free port.`;
  if (listen.code === "EACCES")
    return `Not allowed to listen on ${at}: ports below 1024 need privileges. Set PORT to 1024 or above (and put a reverse proxy in front, docs/https.md).`;
  if (listen.code === "EADDRNOTAVAIL")
    return `Cannot listen on ${at}: ${context.host} is not an address of this machine. Set HOST (127.0.0.1, or 0.0.0.0 for every interface).`;
  return `Cannot listen on ${at} (${codeAndMessage(listen)}). Check HOST and PORT.`;
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
  return explainOpenFailure(err, context.database);
}
