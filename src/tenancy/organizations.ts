import { AppError, Errors } from "../core/errors.js";
import type { Deps } from "../core/deps.js";
import { containsText } from "../storage/like.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { OrganizationRow } from "../storage/schema.js";

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
  if (!trimmed) throw Errors.validation("name must not be empty", [{ field: "name", code: "required", message: "must not be empty" }]);
  return trimmed;
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

    async create(input: OrganizationInput): Promise<Organization> {
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
      await db.insertInto("organizations").values(row).execute();
      return toOrganization(row);
    },

    async list(filter: { search?: string | undefined; scope: string | null }, page: PageRequest): Promise<Page<Organization>> {
      let query = db.selectFrom("organizations").selectAll();
      if (filter.scope !== null) query = query.where("id", "=", filter.scope);
      if (filter.search) query = query.where(containsText("name_lower", filter.search));
      const result = await paginate(query, "id", page);
      return { ...result, data: result.data.map(toOrganization) };
    },

    async update(id: string, scope: string | null, patch: Partial<OrganizationInput>): Promise<Organization> {
      await get(id, scope);
      const changes: Record<string, string> = { updated_at: clock.now().toISOString() };
      if (patch.name !== undefined) {
        changes.name = checkName(patch.name);
        changes.name_lower = changes.name.toLowerCase();
      }
      if (patch.domains !== undefined) changes.domains = JSON.stringify(normalizeDomains(patch.domains));
      await db.updateTable("organizations").set(changes).where("id", "=", id).execute();
      return get(id, scope);
    },

    /** Deletes an organization with no live directories; its keys go with it. */
    async remove(id: string): Promise<void> {
      await get(id, null);
      const live = await db.selectFrom("directories").select("id").where("organization_id", "=", id).where("deleted_at", "is", null).executeTakeFirst();
      if (live) throw new AppError(409, "organization_has_directories", `Organization ${id} still has directories; delete them first`);
      await db.deleteFrom("organizations").where("id", "=", id).execute();
    },
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
