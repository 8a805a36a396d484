import type { ExpressionBuilder } from "kysely";
import { AppError, Errors, type FieldError } from "../core/errors.js";
import { type AuditContext, recordAudit } from "../audit/audit-entry.js";
import type { Deps } from "../core/deps.js";
import { containsText } from "../storage/like.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { Database, OrganizationRow } from "../storage/schema.js";

const DAY_MS = 86_400_000;
/** Restorable directories named in a refusal at most; the rest are counted. */
const NAMED_MAX = 20;

export interface Organization {
  readonly object: "organization";
  readonly id: string;
  readonly name: string;
  readonly domains: string[];
  readonly created_at: string;
  readonly updated_at: string;
}

export function toOrganization(row: OrganizationRow): Organization {
  return {
    object: "organization",
    id: row.id,
    name: row.name,
    domains: JSON.parse(row.domains) as string[],
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export interface OrganizationInput {
  readonly name: string;
  readonly domains?: readonly string[] | undefined;
}

function normalizeDomains(domains: readonly string[] | undefined): string[] {
  return [...new Set((domains ?? []).map((d) => d.trim().toLowerCase()))];
}

function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed)
    throw Errors.validation("name must not be empty", [
      { field: "name", code: "required", message: "must not be empty" },
    ]);
  return trimmed;
}

/** Why an organization cannot go: its live directories, or the deleted ones still restorable, each with its deadline. */
function blockedDeletion(
  id: string,
  directories: readonly { id: string; deleted_at: string | null }[],
  restoreDays: number,
): AppError {
  if (directories.length === 0) return Errors.notFound("Organization", id);
  if (directories.some((d) => d.deleted_at === null))
    return new AppError(
      409,
      "organization_has_directories",
      `Organization ${id} still has directories; delete them first`,
    );
  const restorable: FieldError[] = directories.map((d) => ({
    field: d.id,
    code: "restorable",
    message: `deleted, restorable until ${new Date(Date.parse(d.deleted_at ?? "") + restoreDays * DAY_MS).toISOString()}`,
  }));
  const named = restorable.slice(0, NAMED_MAX).map((r) => `${r.field} (${r.message.replace("deleted, ", "")})`);
  const more = restorable.length > NAMED_MAX ? ` and ${restorable.length - NAMED_MAX} more` : "";
  return new AppError(
    409,
    "organization_has_restorable_directories",
    `Organization ${id} has deleted directories that can still be restored: ${named.join(", ")}${more}. Deleting the organization now would destroy them before their restore window ends; delete it once they are purged`,
    restorable,
  );
}

/** Organizations: created and deleted by the admin; an organization key sees only its own. */
export function createOrganizationService(deps: Deps) {
  const { db, clock, ids } = deps;

  async function get(id: string, scope: string | null): Promise<Organization> {
    if (scope !== null && scope !== id) throw Errors.notFound("Organization", id);
    const row = await db.selectFrom("organizations").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw Errors.notFound("Organization", id);
    return toOrganization(row);
  }

  return {
    get,

    async create(input: OrganizationInput, audit?: AuditContext | null): Promise<Organization> {
      const now = clock.now().toISOString();
      const name = checkName(input.name);
      const row: OrganizationRow = {
        id: ids("organization"),
        name,
        name_lower: name.toLowerCase(),
        domains: JSON.stringify(normalizeDomains(input.domains)),
        created_at: now,
        updated_at: now,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("organizations").values(row).execute();
        await recordAudit(trx, deps, audit, {
          action: "organization.created",
          targetId: row.id,
          organizationId: row.id,
        });
      });
      return toOrganization(row);
    },

    async list(
      filter: { search?: string | undefined; scope: string | null },
      page: PageRequest,
    ): Promise<Page<Organization>> {
      let query = db.selectFrom("organizations").selectAll();
      if (filter.scope !== null) query = query.where("id", "=", filter.scope);
      if (filter.search) query = query.where(containsText("name_lower", filter.search));
      const result = await paginate(query, "id", page);
      return { ...result, data: result.data.map(toOrganization) };
    },

    async update(
      id: string,
      scope: string | null,
      patch: Partial<OrganizationInput>,
      audit?: AuditContext | null,
    ): Promise<Organization> {
      await get(id, scope);
      const changes: Record<string, string> = { updated_at: clock.now().toISOString() };
      if (patch.name !== undefined) {
        changes.name = checkName(patch.name);
        changes.name_lower = changes.name.toLowerCase();
      }
      if (patch.domains !== undefined) changes.domains = JSON.stringify(normalizeDomains(patch.domains));
      await db.transaction().execute(async (trx) => {
        await trx.updateTable("organizations").set(changes).where("id", "=", id).execute();
        await recordAudit(trx, deps, audit, { action: "organization.updated", targetId: id, organizationId: id });
      });
      return get(id, scope);
    },

    /**
     * Deletes an organization with no directories but those whose restore window has passed (the
     * purge would take them anyway); its keys go with it. A deleted directory still restorable
     * blocks it: the delete would cascade to the directory and break the promised restore window.
     */
    async remove(id: string, audit?: AuditContext | null): Promise<void> {
      await get(id, null);
      const cutoff = new Date(clock.now().getTime() - deps.config.restoreDays * DAY_MS).toISOString();
      const blocking = (eb: ExpressionBuilder<Database, "directories">) =>
        eb.or([eb("deleted_at", "is", null), eb("deleted_at", ">=", cutoff)]);
      const removed = await db.transaction().execute(async (trx) => {
        const deleted = await trx
          .deleteFrom("organizations")
          .where("id", "=", id)
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom("directories").select("id").where("organization_id", "=", id).where(blocking))),
          )
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) !== 1) return false;
        await recordAudit(trx, deps, audit, { action: "organization.deleted", targetId: id, organizationId: id });
        return true;
      });
      if (removed) return;
      const directories = await db
        .selectFrom("directories")
        .select(["id", "deleted_at"])
        .where("organization_id", "=", id)
        .where(blocking)
        .orderBy("id")
        .execute();
      throw blockedDeletion(id, directories, deps.config.restoreDays);
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
