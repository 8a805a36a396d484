import type { Transport } from "./http.js";
import { iterate } from "./pagination.js";
import type { List, PageParams } from "./types.js";

/** Who did something: the admin key, an organization key, a setup-portal / console session, or nobody a key identified (a refused console sign-in). */
export type AuditActorKind = "admin" | "api_key" | "portal_session" | "console_session" | "anonymous";

/** One administrative action: who did what to which object, when and from where (never a secret). */
export interface AuditEntry {
  readonly object: "audit_entry";
  readonly id: string;
  /** `organization.created`, `directory.scim_token.rotated`, `api_key.revoked`, `portal.link.opened`, … */
  readonly action: string;
  /** `id`: the organization key's or the session's id; null for the admin key. */
  readonly actor: { readonly kind: AuditActorKind; readonly id: string | null };
  readonly target_id: string | null;
  readonly organization_id: string | null;
  readonly request_id: string | null;
  readonly source_ip: string | null;
  readonly created_at: string;
}

export interface AuditLogListParams extends PageParams {
  /** Only this organization's entries (an organization key always sees only its own). */
  readonly organization_id?: string;
  /** Only these actions. */
  readonly action?: readonly string[];
}

/** `/audit_log`: the admin key reads every entry, an organization key its organization's. */
export interface AuditLogApi {
  /** One page of entries. */
  list(params?: AuditLogListParams): Promise<List<AuditEntry>>;
  /** Every entry matching `params`, page after page. */
  iterate(params?: AuditLogListParams): AsyncGenerator<AuditEntry, void, undefined>;
}

/** Binds the audit log methods to a transport. */
export function createAuditLogApi(http: Transport): AuditLogApi {
  const list = (params: AuditLogListParams = {}) =>
    http.json<List<AuditEntry>>({
      method: "GET",
      path: "/audit_log",
      query: { ...params, action: params.action?.join(",") },
    });
  return Object.freeze({
    list,
    iterate: (params: AuditLogListParams = {}) => iterate((p: AuditLogListParams) => list(p), params),
  });
}
