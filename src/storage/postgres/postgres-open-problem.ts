import { codeIn, messageOf } from "../driver-errors.js";

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

/** What an operator can do about a PostgreSQL server that refused Roster at start; null when it is none of those. */
export function postgresProblem(err: unknown, url: string): string | null {
  const { user, server, database } = pgTarget(url);
  const unreachable = codeIn(err, [
    "ECONNREFUSED",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ECONNRESET",
  ]);
  if (unreachable)
    return `Cannot reach PostgreSQL at ${server} (${String(unreachable.code)}). Check that it runs and accepts connections there, or fix the host and port in DATABASE_URL.`;
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
