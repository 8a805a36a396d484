import type { Kysely } from "kysely";
import { Errors } from "../core/errors.js";
import type { Database } from "../storage/schema.js";
import type { DeactivatedMembersPolicy } from "./directory-types.js";
import { membershipVisible } from "./membership-events.js";

/**
 * The objects a list filter names, checked against the caller's organization scope: an unknown
 * id and another organization's id both answer 404, so ids do not leak (as on /directories/{id}).
 * Users and groups of a soft-deleted directory are not visible; the directory itself still is.
 */
export function createReadScope(db: Kysely<Database>) {
  return {
    async organization(id: string, scope: string | null): Promise<void> {
      const found =
        scope === null || scope === id
          ? await db.selectFrom("organizations").select("id").where("id", "=", id).executeTakeFirst()
          : undefined;
      if (!found) throw Errors.notFound("Organization", id);
    },

    async directory(id: string, scope: string | null): Promise<void> {
      let query = db.selectFrom("directories").select("id").where("id", "=", id);
      if (scope !== null) query = query.where("organization_id", "=", scope);
      if (!(await query.executeTakeFirst())) throw Errors.notFound("Directory", id);
    },

    /** A live group and its directory's deactivated-members policy. */
    async group(id: string, scope: string | null): Promise<{ id: string; policy: DeactivatedMembersPolicy }> {
      let query = db
        .selectFrom("directory_groups as g")
        .innerJoin("directories as d", "d.id", "g.directory_id")
        .select(["g.id", "d.deactivated_members"])
        .where("g.id", "=", id)
        .where("d.deleted_at", "is", null);
      if (scope !== null) query = query.where("g.organization_id", "=", scope);
      const found = await query.executeTakeFirst();
      if (!found) throw Errors.notFound("Directory group", id);
      return { id: found.id, policy: found.deactivated_members as DeactivatedMembersPolicy };
    },

    /** A live user, and whether its memberships are shown (not under `hide` while it is inactive). */
    async user(id: string, scope: string | null): Promise<{ id: string; membershipsShown: boolean }> {
      let query = db
        .selectFrom("directory_users as u")
        .innerJoin("directories as d", "d.id", "u.directory_id")
        .select(["u.id", "u.state", "u.directory_id", "u.organization_id", "d.deactivated_members"])
        .where("u.id", "=", id)
        .where("d.deleted_at", "is", null);
      if (scope !== null) query = query.where("u.organization_id", "=", scope);
      const found = await query.executeTakeFirst();
      if (!found) throw Errors.notFound("Directory user", id);
      const dir = {
        id: found.directory_id,
        organizationId: found.organization_id,
        deactivatedMembers: found.deactivated_members as DeactivatedMembersPolicy,
      };
      return {
        id: found.id,
        membershipsShown: membershipVisible(dir, { state: found.state === "inactive" ? "inactive" : "active" }),
      };
    },
  };
}

export type ReadScope = ReturnType<typeof createReadScope>;
