import type { FastifyInstance } from "fastify";
import type { Deps } from "../../core/deps.js";
import type { DirectoryStore } from "../../directory/index.js";
import { readListParams, type RawListQuery } from "../list-params.js";
import { listResponse } from "../list-response.js";
import { ifMatchVersion } from "../if-match-header.js";
import { projectionOf } from "../projection-query.js";
import { sendResource } from "../resource-reply.js";
import { requireScimDirectory } from "../scim-directory.js";
import { readSearchRequest } from "../search-request.js";
import { createScimUsers } from "./scim-users.js";

type IdParams = { directoryId: string; id: string };

/** `/Users` (RFC 7644 §3): list, search, get, create, replace, patch, delete. */
export async function usersRoutes(
  app: FastifyInstance,
  { deps, store }: { deps: Deps; store: DirectoryStore },
): Promise<void> {
  const users = createScimUsers(deps, store);

  app.get("/:directoryId/Users", async (request) => {
    const dir = requireScimDirectory(request);
    const params = readListParams(request.query as RawListQuery);
    return listResponse(params, await users.list(dir, params, projectionOf(request)));
  });

  app.post("/:directoryId/Users/.search", async (request) => {
    const dir = requireScimDirectory(request);
    const { params, projection } = readSearchRequest(request.body);
    return listResponse(params, await users.list(dir, params, projection));
  });

  app.get<{ Params: IdParams }>("/:directoryId/Users/:id", async (request, reply) =>
    sendResource(
      request,
      reply,
      200,
      await users.get(requireScimDirectory(request), request.params.id, projectionOf(request)),
    ),
  );

  app.post("/:directoryId/Users", async (request, reply) => {
    const rendered = await users.create(requireScimDirectory(request), request.body, projectionOf(request));
    reply.header("Location", String((rendered.resource.meta as { location?: string } | undefined)?.location ?? ""));
    return sendResource(request, reply, 201, rendered);
  });

  app.put<{ Params: IdParams }>("/:directoryId/Users/:id", async (request, reply) =>
    sendResource(
      request,
      reply,
      200,
      await users.replace(
        requireScimDirectory(request),
        request.params.id,
        request.body,
        ifMatchVersion(request),
        projectionOf(request),
      ),
    ),
  );

  app.patch<{ Params: IdParams }>("/:directoryId/Users/:id", async (request, reply) =>
    sendResource(
      request,
      reply,
      200,
      await users.patch(
        requireScimDirectory(request),
        request.params.id,
        request.body,
        ifMatchVersion(request),
        projectionOf(request),
      ),
    ),
  );

  app.delete<{ Params: IdParams }>("/:directoryId/Users/:id", async (request, reply) => {
    await users.remove(requireScimDirectory(request), request.params.id, ifMatchVersion(request));
    return reply.code(204).send();
  });
}
