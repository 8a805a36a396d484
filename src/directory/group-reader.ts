import { type Expression, expressionBuilder, type Kysely, type SqlBool } from "kysely";
import { Errors } from "../core/errors.js";
import { containsText } from "../storage/like.js";
import { type Page, type PageRequest, paginate } from "../storage/paginate.js";
import type { Database, DirectoryGroupsTable } from "../storage/schema.js";
import { type DirectoryGroup, toDirectoryGroup } from "./group-object.js";
import { createReadScope } from "./read-scope.js";

export interface GroupListFilter {
  /** The caller's organization, or null for the admin. */
  readonly scope: string | null;
  readonly directory?: string | undefined;
  readonly organization?: string | undefined;
  readonly user?: string | undefined;
  /** Case-insensitive substring of the name. */
  readonly search?: string | undefined;
}

function conditions(filter: GroupListFilter): Expression<SqlBool>[] {
  const eb = expressionBuilder<Database & { g: DirectoryGroupsTable }, "g">();
  const where: Expression<SqlBool>[] = [];
  if (filter.scope !== null) where.push(eb("g.organization_id", "=", filter.scope));
  if (filter.organization) where.push(eb("g.organization_id", "=", filter.organization));
  if (filter.directory) where.push(eb("g.directory_id", "=", filter.directory));
  if (filter.search) where.push(containsText("g.name_lower", filter.search));
  return where;
}

/** Reads directory groups for the normalized API: keyset pages, scoped. */
export function createGroupReader(db: Kysely<Database>) {
  const scope = createReadScope(db);

  function groups() {
    return db
      .selectFrom("directory_groups as g")
      .innerJoin("directories as d", "d.id", "g.directory_id")
      .where("d.deleted_at", "is", null)
      .selectAll("g");
  }

  /** A user's groups, walked in the (user_id, group_id) index's order so a page costs O(limit). */
  function groupsOf(userId: string) {
    return db
      .selectFrom("group_memberships as m")
      .innerJoin("directory_groups as g", "g.id", "m.group_id")
      .innerJoin("directories as d", "d.id", "g.directory_id")
      .where("m.user_id", "=", userId)
      .where("d.deleted_at", "is", null)
      .selectAll("g");
  }

  async function checkFilter(filter: GroupListFilter): Promise<{ membershipsShown: boolean }> {
    if (filter.scope === null && !filter.directory && !filter.organization && !filter.user) {
      throw Errors.invalidRequest("Name a directory, organization or user to list groups", [
        { field: "directory", code: "required", message: "directory, organization or user is required" },
      ]);
    }
    if (filter.organization) await scope.organization(filter.organization, filter.scope);
    if (filter.directory) await scope.directory(filter.directory, filter.scope);
    return { membershipsShown: filter.user ? (await scope.user(filter.user, filter.scope)).membershipsShown : true };
  }

  return {
    async list(filter: GroupListFilter, page: PageRequest): Promise<Page<DirectoryGroup>> {
      const { membershipsShown } = await checkFilter(filter);
      // Under `hide`, an inactive user is in no group as far as readers can tell.
      if (!membershipsShown) return { data: [], before: null, after: null };
      const where = conditions(filter);
      if (filter.user) {
        let query = groupsOf(filter.user);
        for (const condition of where) query = query.where(condition);
        const result = await paginate(query, "m.group_id", page);
        return { ...result, data: result.data.map(toDirectoryGroup) };
      }
      let query = groups();
      for (const condition of where) query = query.where(condition);
      const result = await paginate(query, "g.id", page);
      return { ...result, data: result.data.map(toDirectoryGroup) };
    },

    async get(id: string, scopeId: string | null): Promise<DirectoryGroup> {
      let query = groups().where("g.id", "=", id);
      if (scopeId !== null) query = query.where("g.organization_id", "=", scopeId);
      const row = await query.executeTakeFirst();
      if (!row) throw Errors.notFound("Directory group", id);
      return toDirectoryGroup(row);
    },
  };
}

export type GroupReader = ReturnType<typeof createGroupReader>;
