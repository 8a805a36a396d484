import type { Kysely } from "kysely";
import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
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
  /** The session row's id: what the audit log names as the object signed in to and out of. */
  readonly id: string;
  readonly principal: ConsolePrincipal;
  readonly expiresAt: string;
}

/** The request a sign-in or sign-out came with, for the audit log. */
export interface ConsoleRequest {
  readonly requestId: string | null;
  readonly sourceIp: string | null;
}

/** The audit log's name for a console session's key: the admin, or which organization key. */
function actorOf(principal: ConsolePrincipal, request: ConsoleRequest): AuditContext {
  return principal.kind === "admin"
    ? { actorKind: "admin", actorId: null, ...request }
    : { actorKind: "api_key", actorId: principal.keyId, ...request };
}

function organizationOf(principal: ConsolePrincipal): string | null {
  return principal.kind === "organization" ? principal.organizationId : null;
}

/**
 * Console sessions: opened by the admin key or an organization API key, and acting as that key
 * for as long as it opens Roster. The row keeps the key's SHA-256 (the hash it is stored by
 * already), never the key; each request looks the key up again, so a revoked key, a replaced
 * admin key or a deleted organization ends the session at once.
 */
export function createConsoleSessions(
  deps: { db: Kysely<Database>; clock: Clock; ids: IdGenerator },
  apiKeys: ApiKeyService,
) {
  const sessions = createWebSessions(deps);

  async function principalOfKey(keyHash: string): Promise<ConsolePrincipal | null> {
    const key = await apiKeys.verifyHash(keyHash);
    if (key) return { kind: "organization", organizationId: key.organizationId, keyId: key.keyId };
    return (await isAdminKeyHash(deps.db, keyHash)) ? { kind: "admin" } : null;
  }

  /** The session a cookie value opens, as the key that opened it; a session whose key stopped working is ended. */
  async function find(token: string): Promise<ConsoleSession | null> {
    const row = await sessions.find("console", token);
    if (!row?.key_hash) return null;
    const principal = await principalOfKey(row.key_hash);
    if (!principal) {
      await sessions.end(token);
      return null;
    }
    return { id: row.id, principal, expiresAt: row.expires_at };
  }

  return {
    /**
     * Signs in with a key; null when the key opens nothing. Returns the cookie value, which only the
     * browser keeps. The audit log gets `console.signed_in` (in the session's transaction) or
     * `console.sign_in_refused`, naming the caller's address and never the key.
     */
    async signIn(key: string, request: ConsoleRequest): Promise<(ConsoleSession & { token: string }) | null> {
      const keyHash = hashSecret(key);
      const principal = await principalOfKey(keyHash);
      if (!principal) {
        await recordAudit(
          deps.db,
          deps,
          { actorKind: "anonymous", actorId: null, ...request },
          { action: "console.sign_in_refused", targetId: null, organizationId: null },
        );
        return null;
      }
      const organizationId = organizationOf(principal);
      const { token, row } = await deps.db.transaction().execute(async (trx) => {
        const started = await sessions.start(
          { kind: "console", organizationId, linkId: null, keyHash, ttlMs: CONSOLE_SESSION_TTL_MS },
          trx,
        );
        await recordAudit(trx, deps, actorOf(principal, request), {
          action: "console.signed_in",
          targetId: started.row.id,
          organizationId,
        });
        return started;
      });
      return { id: row.id, token, principal, expiresAt: row.expires_at };
    },

    find,

    /** Ends the session; `console.signed_out` in the audit log, as its key, when there was a live one to end. */
    async signOut(token: string, request: ConsoleRequest): Promise<void> {
      const session = await find(token);
      await deps.db.transaction().execute(async (trx) => {
        const ended = await sessions.end(token, trx);
        if (ended && session)
          await recordAudit(trx, deps, actorOf(session.principal, request), {
            action: "console.signed_out",
            targetId: session.id,
            organizationId: organizationOf(session.principal),
          });
      });
    },
  };
}

export type ConsoleSessions = ReturnType<typeof createConsoleSessions>;
