import { chain, type CodedError, codeAndMessage, codeIn } from "../driver-errors.js";

const SQLITE_OPEN_CODES = ["SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_PERM"];
const FILE_SYSTEM_CODES = ["EACCES", "EPERM", "ENOENT", "EROFS", "ENOTDIR", "EISDIR", "EEXIST"];

/** What an operator can do about a SQLite file Roster could not open at start; null when it is none of those. */
export function sqliteProblem(err: unknown, file: string): string | null {
  // A file-system error counts only when it is about the database file or a folder on its way.
  const aboutTheFile = (e: CodedError) =>
    typeof e.path === "string" && (file === e.path || file.startsWith(`${e.path}/`));
  const cannotOpen =
    codeIn(err, SQLITE_OPEN_CODES) ??
    chain(err).find((e) => typeof e.code === "string" && FILE_SYSTEM_CODES.includes(e.code) && aboutTheFile(e));
  if (!cannotOpen) return null;
  return `Cannot open the SQLite database ${file} (${codeAndMessage(cannotOpen)}). Set ROSTER_DATA_DIR (or DATABASE_URL=sqlite:<file>) to a writable place.`;
}
