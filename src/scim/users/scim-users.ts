import type { Deps } from "../../core/deps.js";
import type { DirectoryContext, DirectoryStore, DirectoryUser } from "../../directory/index.js";
import { loadUsers } from "../../directory/user-rows.js";
import { createScimError } from "../errors.js";
import { compileFilter, parseFilter, uniqueNameEquals } from "../filter/index.js";
import { isPlainFirstPage, type ListParams } from "../list-params.js";
import { listPage, USER_SORT } from "../list-query.js";
import { createListPositions } from "../list-positions.js";
import { applyUserPatch, type JsonObject, normalizePatchRequest } from "../patch/index.js";
import { excludes, type Projection, project } from "../projection.js";
import { USER_SCHEMAS } from "../../scim-resource/schema-urns.js";
import { groupsOfUsers, loadUsersWithGroups, loadUserWithGroups, loadUserWithGroupsByUserName } from "./user-groups.js";
import {
  assertManagerWithin,
  checkManager,
  managerValue,
  rosterUserIdsIn,
  usersOfDirectory,
} from "./manager-reference.js";
import { readUserDocument, type ScimUserDocument, toUserInput } from "../../scim-resource/user-document.js";
import { type ScimUserSource, toScimUser, type UserGroupRef } from "./user-resource.js";

export interface RenderedUser {
  readonly resource: Record<string, unknown>;
  readonly version: number;
}

/** The SCIM /Users resource over the directory store. */
export function createScimUsers(deps: Deps, store: DirectoryStore) {
  // Where this process's unfiltered startIndex pages ended, so the next one need not walk to its offset.
  const positions = createListPositions();
  const base = (dir: DirectoryContext) => `${deps.config.publicUrl}/scim/v2/${dir.id}`;

  /** `knownGroups`: the users' groups when already read (or known empty, for users just created). */
  async function render(
    dir: DirectoryContext,
    users: readonly { user: ScimUserSource; version: number }[],
    projection: Projection,
    knownGroups?: ReadonlyMap<string, UserGroupRef[]>,
  ) {
    const ids = users.map((u) => u.user.id);
    const groups = excludes(projection, "groups") ? null : (knownGroups ?? (await groupsOfUsers(deps.db, ids)));
    return users.map(({ user, version }) => ({
      resource: project(
        toScimUser(user, version, base(dir), groups?.get(user.id) ?? (groups ? [] : null)),
        projection,
        USER_SCHEMAS,
      ),
      version,
    }));
  }

  async function mustGet(dir: DirectoryContext, id: string) {
    const found = await store.users.get(dir.id, id);
    if (!found) throw createScimError(404, { detail: `User ${id} not found` });
    return found;
  }

  async function renderOne(
    dir: DirectoryContext,
    stored: { user: ScimUserSource; version: number },
    projection: Projection,
    knownGroups?: UserGroupRef[],
  ): Promise<RenderedUser> {
    const [rendered] = await render(dir, [stored], projection, knownGroups && new Map([[stored.user.id, knownGroups]]));
    if (!rendered) throw new Error("render produced nothing");
    return rendered;
  }

  return {
    async list(dir: DirectoryContext, params: ListParams, projection: Projection) {
      const filter = params.filter ? parseFilter(params.filter) : null;
      const userName = filter && isPlainFirstPage(params) ? uniqueNameEquals(filter, "User") : null;
      if (userName !== null) {
        // At most one match (userName is unique per directory): one indexed query, no count.
        const found = await loadUserWithGroupsByUserName(deps.db, deps.caps, dir.id, userName);
        const resources = found
          ? (await render(dir, [found], projection, new Map([[found.user.id, found.groups]]))).map((r) => r.resource)
          : [];
        return { ids: found ? [found.user.id] : [], totalResults: resources.length, nextCursor: undefined, resources };
      }
      const where = filter ? compileFilter(filter, "User", deps.caps) : null;
      const page = await listPage(deps.db, deps.caps, USER_SORT, dir.id, where, params, positions);
      if (excludes(projection, "groups")) {
        const loaded = await loadUsers(deps.db, dir.id, page.ids);
        const ordered = page.ids.flatMap((id) => {
          const found = loaded.get(id);
          return found ? [{ user: found.user, version: found.row.version }] : [];
        });
        return { ...page, resources: (await render(dir, ordered, projection)).map((r) => r.resource) };
      }
      const loaded = await loadUsersWithGroups(deps.db, deps.caps, dir.id, page.ids);
      const ordered = page.ids.flatMap((id) => loaded.get(id) ?? []);
      const groups = new Map(ordered.map((u) => [u.user.id, u.groups]));
      return { ...page, resources: (await render(dir, ordered, projection, groups)).map((r) => r.resource) };
    },

    async get(dir: DirectoryContext, id: string, projection: Projection): Promise<RenderedUser> {
      if (excludes(projection, "groups")) return renderOne(dir, await mustGet(dir, id), projection);
      const found = await loadUserWithGroups(deps.db, deps.caps, dir.id, id);
      if (!found) throw createScimError(404, { detail: `User ${id} not found` });
      return renderOne(dir, found, projection, found.groups);
    },

    async create(dir: DirectoryContext, body: unknown, projection: Projection): Promise<RenderedUser> {
      const doc = readUserDocument(body);
      await checkManager(deps.db, dir.id, doc);
      const stored = await store.users.create(dir, toUserInput(doc));
      return renderOne(dir, stored, projection, []);
    },

    /** PUT: the body replaces every attribute (Okta sends every update this way). */
    async replace(
      dir: DirectoryContext,
      id: string,
      body: unknown,
      ifMatch: number | undefined,
      projection: Projection,
    ): Promise<RenderedUser> {
      const current = await mustGet(dir, id);
      const doc = readUserDocument(body);
      await checkManager(deps.db, dir.id, doc, managerValue(current.user.raw_attributes));
      const stored = await store.users.replace(dir, id, toUserInput(doc), { ifMatch });
      return renderOne(dir, stored, projection);
    },

    /**
     * PATCH: the operations apply to the stored document as one atomic change, inside the write and
     * to the user as locked there, so concurrent PATCHes of one user all land, one after another.
     */
    async patch(
      dir: DirectoryContext,
      id: string,
      body: unknown,
      ifMatch: number | undefined,
      projection: Projection,
    ): Promise<RenderedUser> {
      const operations = normalizePatchRequest(body, "User", { resourceId: id });
      // Read before the write: the ids the operations name that are users of this directory.
      const local = await usersOfDirectory(deps.db, dir.id, rosterUserIdsIn(operations));
      const patched = (user: DirectoryUser) => {
        const doc = readUserDocument(applyUserPatch(currentDocument(user) as JsonObject, operations));
        assertManagerWithin(doc, local, managerValue(user.raw_attributes));
        return toUserInput(doc);
      };
      return renderOne(dir, await store.users.patch(dir, id, patched, { ifMatch }), projection);
    },

    async remove(dir: DirectoryContext, id: string, ifMatch: number | undefined): Promise<void> {
      await store.users.remove(dir, id, { ifMatch });
    },
  };
}

/** The document a PATCH applies to: what the IdP sent, with the state the server holds. */
function currentDocument(user: DirectoryUser): ScimUserDocument {
  const raw = user.raw_attributes;
  const active = Object.keys(raw).find((k) => k.toLowerCase() === "active") ?? "active";
  return { ...raw, [active]: user.state === "active" };
}

export type ScimUsers = ReturnType<typeof createScimUsers>;
