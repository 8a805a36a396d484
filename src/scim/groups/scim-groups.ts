import { Readable } from "node:stream";
import type { Deps } from "../../core/deps.js";
import {
  type DirectoryContext,
  type DirectoryGroup,
  type DirectoryStore,
  type GroupPatch,
  NO_MEMBER_CHANGE,
} from "../../directory/index.js";
import { toDirectoryGroup } from "../../directory/group-object.js";
import type { DirectoryGroupRow } from "../../storage/schema.js";
import { createScimError } from "../errors.js";
import { compileFilter, parseFilter, uniqueNameEquals } from "../filter/index.js";
import { isPlainFirstPage, type ListParams } from "../list-params.js";
import { queryTemplate } from "../../storage/query-template.js";
import { GROUP_SORT, listPage } from "../list-query.js";
import { createListPositions } from "../list-positions.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { applyGroupPatch, type JsonObject, normalizePatchRequest } from "../patch/index.js";
import { excludes, type Projection, project } from "../projection.js";
import { GROUP_SCHEMAS } from "../../scim-resource/schema-urns.js";
import { readGroupBody, toGroupInput } from "../../scim-resource/group-document.js";
import type { ScimGroupDocument } from "../../scim-resource/json-document.js";
import { toScimGroup } from "./group-resource.js";
import { assertPatchMemberCount } from "./member-limit.js";
import { groupFragments } from "./member-stream.js";

export interface RenderedGroup {
  /** The JSON body: a plain object, or a stream when it carries members. */
  readonly body: Record<string, unknown> | Readable;
  readonly version: number;
}

const groupByName = queryTemplate(["directoryId", "nameLower"], (db, p: { directoryId: string; nameLower: string }) =>
  db
    .selectFrom("directory_groups")
    .selectAll()
    .where("directory_id", "=", p.directoryId)
    .where("name_lower", "=", p.nameLower),
);

/** The SCIM /Groups resource over the directory store; members are read and written as rows. */
export function createScimGroups(deps: Deps, store: DirectoryStore) {
  // Where this process's unfiltered startIndex pages ended, so the next one need not walk to its offset.
  const positions = createListPositions();
  const base = (dir: DirectoryContext) => `${deps.config.publicUrl}/scim/v2/${dir.id}`;

  function render(
    dir: DirectoryContext,
    group: DirectoryGroup,
    version: number,
    projection: Projection,
  ): RenderedGroup {
    const resource = project(toScimGroup(group, version, base(dir)), projection, GROUP_SCHEMAS);
    if (excludes(projection, "members")) return { body: resource, version };
    return { body: Readable.from(groupFragments(deps.db, resource, group.id, base(dir))), version };
  }

  async function mustGet(dir: DirectoryContext, id: string) {
    const found = await store.groups.get(dir.id, id);
    if (!found) throw createScimError(404, { detail: `Group ${id} not found` });
    return found;
  }

  /** A list page's rows. The lookup IdPs send, `displayName eq "…"`, is one indexed query: the name is unique per directory. */
  async function listRows(
    dir: DirectoryContext,
    params: ListParams,
  ): Promise<{ rows: DirectoryGroupRow[]; page: { totalResults: number; nextCursor: string | undefined } }> {
    const filter = params.filter ? parseFilter(params.filter) : null;
    const name = filter && isPlainFirstPage(params) ? uniqueNameEquals(filter, "Group") : null;
    if (name !== null) {
      const row = await groupByName.executeTakeFirst(deps.db, { directoryId: dir.id, nameLower: name.toLowerCase() });
      return { rows: row ? [row] : [], page: { totalResults: row ? 1 : 0, nextCursor: undefined } };
    }
    const where = filter ? compileFilter(filter, "Group", deps.caps) : null;
    const page = await listPage(deps.db, deps.caps, GROUP_SORT, dir.id, where, params, positions);
    const byId = new Map(
      (page.ids.length
        ? await deps.db
            .selectFrom("directory_groups")
            .selectAll()
            .where("directory_id", "=", dir.id)
            .where("id", "in", page.ids)
            .execute()
        : []
      ).map((r) => [r.id, r]),
    );
    return { rows: page.ids.flatMap((id) => byId.get(id) ?? []), page };
  }

  return {
    /** A list page as a stream: groups with members never become one object in memory. */
    async list(dir: DirectoryContext, params: ListParams, projection: Projection): Promise<Readable> {
      const { rows, page } = await listRows(dir, params);
      const withMembers = !excludes(projection, "members");
      const db = deps.db;
      const head = {
        schemas: [URN.listResponse],
        totalResults: page.totalResults,
        itemsPerPage: rows.length,
        ...(params.cursor === undefined ? { startIndex: params.startIndex } : {}),
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      };
      async function* fragments(): AsyncGenerator<string> {
        yield `${JSON.stringify(head).slice(0, -1)},"Resources":[`;
        for (const [i, row] of rows.entries()) {
          if (i > 0) yield ",";
          const resource = project(
            toScimGroup(toDirectoryGroup(row), row.version, base(dir)),
            projection,
            GROUP_SCHEMAS,
          );
          if (withMembers) yield* groupFragments(db, resource, row.id, base(dir));
          else yield JSON.stringify(resource);
        }
        yield "]}";
      }
      return Readable.from(fragments());
    },

    async get(dir: DirectoryContext, id: string, projection: Projection): Promise<RenderedGroup> {
      const { group, version } = await mustGet(dir, id);
      return render(dir, group, version, projection);
    },

    async create(dir: DirectoryContext, body: unknown, projection: Projection): Promise<RenderedGroup> {
      const { document, memberIds } = readGroupBody(body);
      const { group, version } = await store.groups.create(dir, toGroupInput(document), memberIds);
      return render(dir, group, version, projection);
    },

    /** PUT replaces the attributes and the whole member list (Okta pushes groups this way). */
    async replace(
      dir: DirectoryContext,
      id: string,
      body: unknown,
      ifMatch: number | undefined,
      projection: Projection,
    ): Promise<RenderedGroup> {
      const { document, memberIds } = readGroupBody(body);
      const { group, version } = await store.groups.replace(
        dir,
        id,
        toGroupInput(document),
        { ...NO_MEMBER_CHANGE, replaceAll: memberIds },
        { ifMatch },
      );
      return render(dir, group, version, projection);
    },

    /**
     * PATCH: attribute operations apply to the document; member operations become a change of rows
     * (the operations name the members, so that change does not depend on the document). The store
     * decides how it is written (see `groups.patch`).
     */
    async patch(
      dir: DirectoryContext,
      id: string,
      body: unknown,
      ifMatch: number | undefined,
    ): Promise<{ group: DirectoryGroup; version: number }> {
      const operations = normalizePatchRequest(body, "Group", { resourceId: id });
      const apply = (group: DirectoryGroup): GroupPatch => {
        const { document, members } = applyGroupPatch(currentDocument(group), operations);
        assertPatchMemberCount(members);
        return { input: toGroupInput(readGroupBody(document).document), members };
      };
      return store.groups.patch(dir, id, apply, { ifMatch });
    },

    render,

    async remove(dir: DirectoryContext, id: string, ifMatch: number | undefined): Promise<void> {
      await store.groups.remove(dir, id, { ifMatch });
    },
  };
}

/** The document a PATCH applies to: what the IdP sent (stored JSON), with the name the server holds. */
function currentDocument(group: DirectoryGroup): ScimGroupDocument {
  return { ...(group.raw_attributes as JsonObject), displayName: group.name };
}

export type ScimGroups = ReturnType<typeof createScimGroups>;
