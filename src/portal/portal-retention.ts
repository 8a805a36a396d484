import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { PORTAL_SESSION_TTL_MS } from "./portal-links.js";

/**
 * Deletes expired browser sessions, and setup links that can open nothing any more: a link is
 * kept until every session it could have opened has ended (opened before `expires_at`, a session
 * lasts `PORTAL_SESSION_TTL_MS`), as deleting a link ends its sessions. Returns how many rows went.
 */
export async function prunePortal(db: Kysely<Database>, now: Date): Promise<number> {
  const sessions = await db.deleteFrom("web_sessions").where("expires_at", "<=", now.toISOString()).executeTakeFirst();
  const linkCutoff = new Date(now.getTime() - PORTAL_SESSION_TTL_MS).toISOString();
  const links = await db.deleteFrom("portal_links").where("expires_at", "<", linkCutoff).executeTakeFirst();
  return Number(sessions.numDeletedRows) + Number(links.numDeletedRows);
}
