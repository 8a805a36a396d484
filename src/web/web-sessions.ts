import type { Kysely, Transaction } from "kysely";
import { hashSecret, mintSecret } from "../auth/secrets.js";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database, WebSessionRow } from "../storage/schema.js";

export type WebSessionKind = "portal" | "console";

export interface NewWebSession {
  readonly kind: WebSessionKind;
  readonly organizationId: string | null;
  readonly linkId: string | null;
  /** A console session: the SHA-256 of the key that opened it. */
  readonly keyHash?: string | null;
  readonly ttlMs: number;
}

/**
 * Browser sessions: the cookie holds 256 random bits; the store keeps only their SHA-256, so a
 * copy of the database opens no session. Expired rows are ignored, and deleted when found.
 */
export function createWebSessions(deps: { db: Kysely<Database>; clock: Clock; ids: IdGenerator }) {
  const { db, clock, ids } = deps;
  return {
    /** Starts a session (on `on`: the transaction of what opens it); returns the cookie value, which only the browser keeps. */
    async start(
      session: NewWebSession,
      on: Kysely<Database> | Transaction<Database> = db,
    ): Promise<{ token: string; row: WebSessionRow }> {
      const token = mintSecret("webSession");
      const now = clock.now();
      const row: WebSessionRow = {
        id: ids("webSession"),
        token_hash: hashSecret(token),
        kind: session.kind,
        organization_id: session.organizationId,
        link_id: session.linkId,
        key_hash: session.keyHash ?? null,
        created_at: now.toISOString(),
        expires_at: new Date(now.getTime() + session.ttlMs).toISOString(),
      };
      await on.insertInto("web_sessions").values(row).execute();
      return { token, row };
    },

    /** The live session of `kind` a cookie value opens, or null. */
    async find(kind: WebSessionKind, token: string): Promise<WebSessionRow | null> {
      const row = await db
        .selectFrom("web_sessions")
        .selectAll()
        .where("token_hash", "=", hashSecret(token))
        .where("kind", "=", kind)
        .executeTakeFirst();
      if (!row) return null;
      if (row.expires_at <= clock.now().toISOString()) {
        await db.deleteFrom("web_sessions").where("id", "=", row.id).execute();
        return null;
      }
      return row;
    },

    /** Ends a session (on `on`, as `start`); true when there was one to end. */
    async end(token: string, on: Kysely<Database> | Transaction<Database> = db): Promise<boolean> {
      const result = await on.deleteFrom("web_sessions").where("token_hash", "=", hashSecret(token)).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type WebSessions = ReturnType<typeof createWebSessions>;
