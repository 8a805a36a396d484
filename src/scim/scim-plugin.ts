import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../core/deps.js";
import { createScimError } from "./errors.js";
import { SCIM_MEDIA_TYPE } from "./media-type.js";
import { requireScimDirectory } from "./scim-directory.js";
import { createScimErrorHandler, sendScimError } from "./scim-errors-handler.js";
import { bulkRoutes } from "./bulk/bulk-routes.js";
import { discoveryRoutes } from "./discovery-routes.js";
import { redactBody } from "./request-log/redact.js";
import type { ScimRequestLog } from "./request-log/request-log.js";
import { usersRoutes } from "./users/users-routes.js";
import { groupsRoutes } from "./groups/groups-routes.js";

/** Everything under `/scim/v2/{directoryId}` (registered with that prefix): its own auth, media types and error format. */
export async function scimPlugin(app: FastifyInstance, { deps, requestLog }: { deps: Deps; requestLog: ScimRequestLog }): Promise<void> {
  const bodyLimit = deps.config.bodyLimitBytes;
  app.addContentTypeParser(SCIM_MEDIA_TYPE, { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
  app.setErrorHandler(createScimErrorHandler(bodyLimit));
  app.addHook("onResponse", async (request, reply) => {
    if (!request.scimLogDirectoryId) return;
    requestLog.record({
      directory_id: request.scimLogDirectoryId,
      method: request.method,
      path: request.url,
      status: reply.statusCode,
      latency_ms: Math.round(reply.elapsedTime * 100) / 100,
      error_detail: request.scimErrorDetail,
      request_body: redactBody(request.body),
      user_agent: request.headers["user-agent"]?.slice(0, 200) ?? null,
    });
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendScimError(reply, createScimError(404, { detail: `No SCIM resource at ${request.method} ${request.url.split("?")[0]}` })),
  );
  app.addHook("onRequest", async (request) => requireScimDirectory(request));
  app.addHook("onSend", async (_request, reply, payload) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("application/json")) reply.type(SCIM_MEDIA_TYPE);
    return payload;
  });

  await app.register(usersRoutes, { deps });
  await app.register(groupsRoutes, { deps });
  await app.register(bulkRoutes, { deps });
  await app.register(discoveryRoutes, { deps });
}
