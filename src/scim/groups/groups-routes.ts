import type { FastifyInstance } from "fastify";
import type { Deps } from "../../core/deps.js";
import type { DirectoryStore } from "../../directory/index.js";
import { readListParams, type RawListQuery } from "../list-params.js";
import { etag } from "../resource-meta.js";
import { ifMatchVersion } from "../if-match-header.js";
import { projectionOf } from "../projection-query.js";
import { sendResource } from "../resource-reply.js";
import { requireScimDirectory } from "../scim-directory.js";
import { readSearchRequest } from "../search-request.js";
import { createScimGroups } from "./scim-groups.js";

type IdParams = { directoryId: string; id: string };

/** `/Groups` (RFC 7644 §3): members are streamed out and changed as rows, whatever the group's size. */
export async function groupsRoutes(
  app: FastifyInstance,
  { deps, store }: { deps: Deps; store: DirectoryStore },
): Promise<void> {
  const groups = createScimGroups(deps, store);

  app.get("/:directoryId/Groups", async (request, reply) => {
    const stream = await groups.list(
      requireScimDirectory(request),
      readListParams(request.query as RawListQuery),
      projectionOf(request),
    );
    return reply.type("application/scim+json").send(stream);
  });

  app.post("/:directoryId/Groups/.search", async (request, reply) => {
    const { params, projection } = readSearchRequest(request.body);
    const stream = await groups.list(requireScimDirectory(request), params, projection);
    return reply.type("application/scim+json").send(stream);
  });

  app.get<{ Params: IdParams }>("/:directoryId/Groups/:id", async (request, reply) =>
    sendResource(
      request,
      reply,
      200,
      await groups.get(requireScimDirectory(request), request.params.id, projectionOf(request)),
    ),
  );

  app.post("/:directoryId/Groups", async (request, reply) => {
    const dir = requireScimDirectory(request);
    const rendered = await groups.create(dir, request.body, projectionOf(request));
    return sendResource(request, reply, 201, rendered);
  });

  app.put<{ Params: IdParams }>("/:directoryId/Groups/:id", async (request, reply) =>
    sendResource(
      request,
      reply,
      200,
      await groups.replace(
        requireScimDirectory(request),
        request.params.id,
        request.body,
        ifMatchVersion(request),
        projectionOf(request),
      ),
    ),
  );

  // Entra expects 204 here ("returning all the members isn't advisable"); a client that asks for
  // attributes gets the resource, as RFC 7644 §3.5.2 allows.
  app.patch<{ Params: IdParams; Querystring: { attributes?: string; excludedAttributes?: string } }>(
    "/:directoryId/Groups/:id",
    async (request, reply) => {
      const dir = requireScimDirectory(request);
      const { group, version } = await groups.patch(dir, request.params.id, request.body, ifMatchVersion(request));
      reply.header("ETag", etag(version));
      if (!request.query.attributes && !request.query.excludedAttributes) return reply.code(204).send();
      return sendResource(request, reply, 200, groups.render(dir, group, version, projectionOf(request)));
    },
  );

  app.delete<{ Params: IdParams }>("/:directoryId/Groups/:id", async (request, reply) => {
    await groups.remove(requireScimDirectory(request), request.params.id, ifMatchVersion(request));
    return reply.code(204).send();
  });
}
