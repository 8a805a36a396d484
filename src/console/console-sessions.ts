import type { Kysely } from "kysely";
import { isAdminKeyHash } from "../auth/admin-key.js";
import type { ApiKeyService } from "../auth/api-keys.js";
import type { Principal } from "../auth/principal.js";
import { hashSecret } from "../auth/secrets.js";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database } from "../storage/schema.js";
import { createWebSessions } from "../web/web-sessions.js";

/** How long a console sign-in lasts; a revoked key ends it sooner (checked on every request). */
export const CONSOLE_SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export type ConsolePrincipal = Exclude<Principal, { kind: "directory" }>;

export interface ConsoleSession {
  readonly principal: ConsolePrincipal;
  readonly expiresAt: string;
}

/**
 * Console sessions: opened by the admin key or an organization API key, and acting as that key
 * for as long as it opens Roster. The row keeps the key's SHA-256 (the hash it is stored by
 * already), never the key; each request looks the key up again, so a revoked key, a replaced
 * admin key or a deleted organization ends the session at once.
 */
export function createConsoleSessions(deps: { db: Kysely<Database>; clock: Clock; ids: IdGenerator }, apiKeys: ApiKeyService) {
  const sessions = createWebSessions(deps);

  async function principalOfKey(keyHash: string): Promise<ConsolePrincipal | null> {
    const key = await apiKeys.verifyHash(keyHash);
    if (key) return { kind: "organization", organizationId: key.organizationId, keyId: key.keyId };
    return (await isAdminKeyHash(deps.db, keyHash)) ? { kind: "admin" } : null;
  }

  return {
    /** Signs in with a key; null when the key opens nothing. Returns the cookie value, which only the browser keeps. */
    async signIn(key: string): Promise<(ConsoleSession & { token: string }) | null> {
      const keyHash = hashSecret(key);
      const principal = await principalOfKey(keyHash);
      if (!principal) return null;
      const organizationId = principal.kind === "organization" ? principal.organizationId : null;
      const { token, row } = await sessions.start({ kind: "console", organizationId, linkId: null, keyHash, ttlMs: CONSOLE_SESSION_TTL_MS });
      return { token, principal, expiresAt: row.expires_at };
    },

    /** The session a cookie value opens, as the key that opened it; a session whose key stopped working is ended. */
    async find(token: string): Promise<ConsoleSession | null> {
      const row = await sessions.find("console", token);
      if (!row?.key_hash) return null;
      const principal = await principalOfKey(row.key_hash);
      if (!principal) {
        await sessions.end(token);
        return null;
      }
      return { principal, expiresAt: row.expires_at };
    },

    async signOut(token: string): Promise<void> {
      await sessions.end(token);
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
