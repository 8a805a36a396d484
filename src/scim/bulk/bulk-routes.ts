import type { FastifyInstance } from "fastify";
import type { Deps } from "../../core/deps.js";
import type { DirectoryContext, DirectoryStore } from "../../directory/index.js";
import { BULK_MAX_OPERATIONS } from "../discovery-routes.js";
import { createScimError, ScimError } from "../errors.js";
import { createScimGroups } from "../groups/scim-groups.js";
import { FULL_PROJECTION, type Projection } from "../projection.js";
import { readIfMatch } from "../if-match.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { toScimError } from "../scim-errors-handler.js";
import { requireScimDirectory } from "../scim-directory.js";
import { createScimUsers } from "../users/scim-users.js";
import { type BulkOperation, readBulkRequest, resolveBulkIds, resolveBulkPath } from "./bulk-request.js";

const WITHOUT_MEMBERS: Projection = { attributes: null, excluded: ["members"] };
const TARGET = /^\/(Users|Groups)(?:\/([^/?]+))?$/i;

interface OperationResult {
  readonly status: number;
  readonly location?: string;
  readonly version?: string;
  readonly id?: string;
}

/** `/Bulk` (RFC 7644 §3.7): operations in order, bulkId references resolved, each one atomic on its own. */
export async function bulkRoutes(
  app: FastifyInstance,
  { deps, store }: { deps: Deps; store: DirectoryStore },
): Promise<void> {
  const users = createScimUsers(deps, store);
  const groups = createScimGroups(deps, store);
  const base = (dir: DirectoryContext) => `${deps.config.publicUrl}/scim/v2/${dir.id}`;

  async function run(dir: DirectoryContext, op: BulkOperation): Promise<OperationResult> {
    const target = TARGET.exec(op.path);
    if (!target?.[1]) throw createScimError(400, { detail: `Unknown bulk path ${op.path}`, scimType: "invalidPath" });
    const isUsers = target[1].toLowerCase() === "users";
    const id = target[2];
    const version = readIfMatch(op.version);
    if (!version.ok)
      throw createScimError(400, {
        detail: `version: ${version.detail}`,
        ...(version.malformed ? { scimType: "invalidSyntax" as const } : {}),
      });
    const ifMatch = version.version;
    if (op.method === "POST") {
      if (id) throw createScimError(400, { detail: "POST goes to /Users or /Groups", scimType: "invalidPath" });
      const created = isUsers
        ? await users.create(dir, op.data, FULL_PROJECTION)
        : await groups.create(dir, op.data, WITHOUT_MEMBERS);
      const resource = (
        isUsers
          ? (created as { resource: Record<string, unknown> }).resource
          : (created as { body: Record<string, unknown> }).body
      ) as { id: string };
      return {
        status: 201,
        id: resource.id,
        location: `${base(dir)}/${target[1]}/${resource.id}`,
        version: `W/"${created.version}"`,
      };
    }
    if (!id) throw createScimError(400, { detail: `${op.method} needs /${target[1]}/{id}`, scimType: "invalidPath" });
    const location = `${base(dir)}/${target[1]}/${id}`;
    if (op.method === "DELETE") {
      await (isUsers ? users.remove(dir, id, ifMatch) : groups.remove(dir, id, ifMatch));
      return { status: 204, location };
    }
    if (op.method === "PUT") {
      const replaced = isUsers
        ? await users.replace(dir, id, op.data, ifMatch, FULL_PROJECTION)
        : await groups.replace(dir, id, op.data, ifMatch, WITHOUT_MEMBERS);
      return { status: 200, location, version: `W/"${replaced.version}"` };
    }
    const patched = isUsers
      ? await users.patch(dir, id, op.data, ifMatch, FULL_PROJECTION)
      : await groups.patch(dir, id, op.data, ifMatch);
    return { status: 200, location, version: `W/"${patched.version}"` };
  }

  app.post("/:directoryId/Bulk", async (request) => {
    const dir = requireScimDirectory(request);
    const bulk = readBulkRequest(request.body, BULK_MAX_OPERATIONS);
    const created = new Map<string, string>();
    const results: Record<string, unknown>[] = [];
    let errors = 0;
    for (const op of bulk.operations) {
      if (bulk.failOnErrors !== undefined && errors >= bulk.failOnErrors) break;
      const entry: Record<string, unknown> = { method: op.method, ...(op.bulkId ? { bulkId: op.bulkId } : {}) };
      try {
        const path = resolveBulkPath(op.path, created);
        const data = resolveBulkIds(op.data, created);
        const missing = [...path.unresolved, ...data.unresolved];
        if (missing.length > 0)
          throw createScimError(409, {
            detail: `bulkId ${missing[0]} names no operation that succeeded before this one`,
            scimType: "invalidValue",
          });
        const result = await run(dir, { ...op, path: path.value, data: data.value });
        if (op.bulkId && result.id) created.set(op.bulkId, result.id);
        Object.assign(entry, {
          ...(result.location ? { location: result.location } : {}),
          ...(result.version ? { version: result.version } : {}),
          status: String(result.status),
        });
      } catch (error) {
        const scimError = error instanceof ScimError ? error : toScimError(error, deps.config.bodyLimitBytes);
        if (scimError.status >= 500) request.log.error({ err: error }, "bulk operation failed");
        errors++;
        Object.assign(entry, { status: String(scimError.status), response: scimError.toBody() });
      }
      results.push(entry);
    }
    return { schemas: [URN.bulkResponse], Operations: results };
  });
}
