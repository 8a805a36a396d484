import type { FastifyRequest } from "fastify";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Who acted: the admin key, an organization key (its id), a setup-portal or console session (its
 * id), or a caller no key identified (a refused console sign-in: the key it tried is never kept).
 */
export type AuditActorKind = "admin" | "api_key" | "portal_session" | "console_session" | "anonymous";

export const AUDIT_ACTOR_KINDS: readonly AuditActorKind[] = [
  "admin",
  "api_key",
  "portal_session",
  "console_session",
  "anonymous",
];

/** The request an action came with: who, which request, from which address. Built by `auditContextOf`. */
export interface AuditContext {
  readonly actorKind: AuditActorKind;
  readonly actorId: string | null;
  readonly requestId: string | null;
  readonly sourceIp: string | null;
}

/** What was done: a stable action name (`directory.scim_token.rotated`), the object's id and its organization. */
export interface AuditAction {
  readonly action: string;
  readonly targetId: string | null;
  readonly organizationId: string | null;
}

/**
 * The caller of an API or portal request as the audit log names it, or null for one that is not
 * an administrative caller (a SCIM token, nobody).
 */
export function auditContextOf(request: FastifyRequest): AuditContext | null {
  const base = { requestId: request.id, sourceIp: request.ip || null };
  if (request.portal) return { actorKind: "portal_session", actorId: request.portal.sessionId, ...base };
  const principal = request.principal;
  if (principal?.kind === "admin") return { actorKind: "admin", actorId: null, ...base };
  if (principal?.kind === "organization") return { actorKind: "api_key", actorId: principal.keyId, ...base };
  return null;
}

/**
 * Writes one entry, on `db` (the transaction of the change it records, so both commit or neither).
 * Nothing for a change without an administrative caller (`context` null: a sync's own writes,
 * housekeeping).
 */
export async function recordAudit(
  db: Db,
  deps: { readonly clock: Clock; readonly ids: IdGenerator },
  context: AuditContext | null | undefined,
  action: AuditAction,
): Promise<void> {
  if (!context) return;
  await db
    .insertInto("audit_log")
    .values({
      id: deps.ids("auditEntry"),
      actor_kind: context.actorKind,
      actor_id: context.actorId,
      action: action.action,
      target_id: action.targetId,
      organization_id: action.organizationId,
      request_id: context.requestId,
      source_ip: context.sourceIp,
      created_at: deps.clock.now().toISOString(),
    })
    .execute();
}
