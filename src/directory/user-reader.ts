import { type Expression, expressionBuilder, type Kysely, type SqlBool, sql } from "kysely";
import { Errors } from "../core/errors.js";
import type { Page, PageRequest } from "../storage/paginate.js";
import { paginate } from "../storage/paginate.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import { containsText } from "../storage/like.js";
import type { Database, DirectoryUsersTable, DirectoryUserRow } from "../storage/schema.js";
import type { DeactivatedMembersPolicy } from "./directory-types.js";
import type { DirectoryGroup } from "./group-object.js";
import { groupsOfUsers } from "./member-groups.js";
import { membershipVisible } from "./membership-events.js";
import { createReadScope } from "./read-scope.js";
import { type DirectoryUser, toDirectoryUser } from "./user-object.js";

/** The WorkOS user as the API serves it: always with its (visible) groups. */
export type DirectoryUserWithGroups = DirectoryUser & { readonly groups: DirectoryGroup[] };

export interface UserListFilter {
  /** The caller's organization, or null for the admin. */
  readonly scope: string | null;
  readonly directory?: string | undefined;
  readonly organization?: string | undefined;
  readonly group?: string | undefined;
  readonly state?: "active" | "inactive" | undefined;
  readonly idpId?: string | undefined;
  readonly email?: string | undefined;
  /** Case-insensitive substring of the username, the primary email, or the name ("first last"). */
  readonly search?: string | undefined;
}

type UserRow = DirectoryUserRow & { policy: string };

/** Conditions on `u` (directory_users) shared by every list; each one an indexed column. */
function conditions(filter: UserListFilter, caps: StorageCapabilities): Expression<SqlBool>[] {
  const eb = expressionBuilder<Database & { u: DirectoryUsersTable }, "u">();
  const where: Expression<SqlBool>[] = [];
  if (filter.scope !== null) where.push(eb("u.organization_id", "=", filter.scope));
  if (filter.organization) where.push(eb("u.organization_id", "=", filter.organization));
  if (filter.directory) where.push(eb("u.directory_id", "=", filter.directory));
  if (filter.state) where.push(eb("u.state", "=", filter.state));
  if (filter.idpId) where.push(eb("u.idp_id", "=", filter.idpId));
  if (filter.email) {
    const emails = eb
      .selectFrom("user_emails")
      .select("user_emails.user_id")
      .where("user_emails.value_lower", "=", filter.email.toLowerCase());
    where.push(eb("u.id", "in", emails));
  }
  if (filter.search) {
    // A substring has no index to use: the list still walks `u.id` in order under the directory or
    // organization filter a list requires, stopping at `limit` matches, so a page's cost is bounded by
    // that directory's size and the cursor stays exact.
    const name = sql`coalesce(${sql.ref("u.first_name")}, '') || ' ' || coalesce(${sql.ref("u.last_name")}, '')`;
    where.push(
      eb.or([
        containsText("u.username_lower", filter.search),
        caps.containsIgnoringCase(sql`coalesce(${sql.ref("u.email")}, '')`, filter.search),
        caps.containsIgnoringCase(name, filter.search),
      ]),
    );
  }
  return where;
}

/** Reads directory users for the normalized API: keyset pages, scoped, with groups. */
export function createUserReader(db: Kysely<Database>, caps: StorageCapabilities) {
  const scope = createReadScope(db);

  function users() {
    return db
      .selectFrom("directory_users as u")
      .innerJoin("directories as d", "d.id", "u.directory_id")
      .where("d.deleted_at", "is", null)
      .selectAll("u")
      .select("d.deactivated_members as policy");
  }

  /** A group's members, walked in the membership index's order so a page costs O(limit). */
  function members(groupId: string, hideInactive: boolean) {
    let query = db
      .selectFrom("group_memberships as m")
      .innerJoin("directory_users as u", "u.id", "m.user_id")
      .innerJoin("directories as d", "d.id", "u.directory_id")
      .where("m.group_id", "=", groupId)
      .where("d.deleted_at", "is", null)
      .selectAll("u")
      .select("d.deactivated_members as policy");
    if (hideInactive) query = query.where("u.state", "=", "active");
    return query;
  }

  async function present(rows: readonly UserRow[]): Promise<DirectoryUserWithGroups[]> {
    const entries = rows.map((row) => {
      const dir = {
        id: row.directory_id,
        organizationId: row.organization_id,
        deactivatedMembers: row.policy as DeactivatedMembersPolicy,
      };
      const user = toDirectoryUser(row);
      return { user, shown: membershipVisible(dir, user) };
    });
    const groups = await groupsOfUsers(
      db,
      entries.filter((e) => e.shown).map((e) => e.user.id),
    );
    return entries.map(({ user }) => ({ ...user, groups: groups.get(user.id) ?? [] }));
  }

  async function checkFilter(filter: UserListFilter): Promise<{ groupPolicy: DeactivatedMembersPolicy | null }> {
    if (filter.scope === null && !filter.directory && !filter.organization && !filter.group) {
      throw Errors.invalidRequest("Name a directory, organization or group to list users", [
        { field: "directory", code: "required", message: "directory, organization or group is required" },
      ]);
    }
    if (filter.organization) await scope.organization(filter.organization, filter.scope);
    if (filter.directory) await scope.directory(filter.directory, filter.scope);
    return { groupPolicy: filter.group ? (await scope.group(filter.group, filter.scope)).policy : null };
  }

  return {
    async list(filter: UserListFilter, page: PageRequest): Promise<Page<DirectoryUserWithGroups>> {
      const { groupPolicy } = await checkFilter(filter);
      const where = conditions(filter, caps);
      let result: Page<UserRow>;
      if (filter.group && groupPolicy) {
        let query = members(filter.group, groupPolicy === "hide");
        for (const condition of where) query = query.where(condition);
        result = await paginate(query, "m.user_id", page);
      } else {
        let query = users();
        for (const condition of where) query = query.where(condition);
        result = await paginate(query, "u.id", page);
      }
      return { ...result, data: await present(result.data) };
    },

    async get(id: string, scopeId: string | null): Promise<DirectoryUserWithGroups> {
      let query = users().where("u.id", "=", id);
      if (scopeId !== null) query = query.where("u.organization_id", "=", scopeId);
      const row = await query.executeTakeFirst();
      const [user] = row ? await present([row]) : [];
      if (!user) throw Errors.notFound("Directory user", id);
      return user;
    },
  };
}

export type UserReader = ReturnType<typeof createUserReader>;
