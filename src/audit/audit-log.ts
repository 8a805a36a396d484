import type { Kysely } from "kysely";
import { Errors } from "../core/errors.js";
import { idsMintedBefore } from "../core/ids.js";
import { deleteInBatches } from "../storage/delete-in-batches.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { AuditLogRow, Database } from "../storage/schema.js";
import type { AuditActorKind } from "./audit-entry.js";

/** An audit entry as `GET /audit_log` shows it. */
export interface AuditEntryObject {
  readonly object: "audit_entry";
  readonly id: string;
  readonly action: string;
  readonly actor: { readonly kind: AuditActorKind; readonly id: string | null };
  readonly target_id: string | null;
  readonly organization_id: string | null;
  readonly request_id: string | null;
  readonly source_ip: string | null;
  readonly created_at: string;
}

export interface AuditFilter {
  /** The caller's organization (an organization key sees only its own entries); null: the admin, all. */
  readonly scope: string | null;
  readonly organizationId?: string | undefined;
  readonly actions?: readonly string[] | undefined;
}

export function toAuditEntry(row: AuditLogRow): AuditEntryObject {
  return {
    object: "audit_entry",
    id: row.id,
    action: row.action,
    actor: { kind: row.actor_kind as AuditActorKind, id: row.actor_id },
    target_id: row.target_id,
    organization_id: row.organization_id,
    request_id: row.request_id,
    source_ip: row.source_ip,
    created_at: row.created_at,
  };
}

/** A page of the audit log, by id (time order), within the caller's scope. */
export async function listAuditEntries(
  db: Kysely<Database>,
  filter: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditEntryObject>> {
  // Another organization is answered as one that does not exist, as on every list.
  if (filter.scope !== null && filter.organizationId !== undefined && filter.organizationId !== filter.scope)
    throw Errors.notFound("Organization", filter.organizationId);
  let query = db.selectFrom("audit_log").selectAll();
  if (filter.scope !== null) query = query.where("organization_id", "=", filter.scope);
  if (filter.organizationId) query = query.where("organization_id", "=", filter.organizationId);
  if (filter.actions && filter.actions.length > 0) query = query.where("action", "in", [...filter.actions]);
  const result = await paginate(query, "id", page);
  return { ...result, data: result.data.map(toAuditEntry) };
}

/** Deletes entries written before `cutoff` (ids are time-ordered); returns how many went. */
export async function pruneAuditLog(db: Kysely<Database>, cutoff: Date): Promise<number> {
  const bound = idsMintedBefore("auditEntry", cutoff.getTime());
  return deleteInBatches(
    async (limit) =>
      (await db.selectFrom("audit_log").select("id").where("id", "<", bound).orderBy("id").limit(limit).execute()).map(
        (r) => r.id,
      ),
    async (ids) => Number((await db.deleteFrom("audit_log").where("id", "in", ids).executeTakeFirst()).numDeletedRows),
  );
}
