import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../core/deps.js";
import type { DirectoryStore } from "../directory/index.js";
import type { AllowedMethods } from "../http/allowed-methods.js";
import { createJsonBodyParser } from "../http/json-body.js";
import { defaultMediaTypes, JSON_MEDIA_TYPES } from "../http/media-types.js";
import type { ScimResponseCounter } from "../http/metrics.js";
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
export interface ScimPluginOptions {
  readonly deps: Deps;
  /** The process's one directory store. */
  readonly store: DirectoryStore;
  readonly requestLog: ScimRequestLog;
  /** The app's registered paths and methods, for `405` answers. */
  readonly allowedMethods: AllowedMethods;
  /** `/metrics`' count of SCIM answers by directory. */
  readonly metrics: ScimResponseCounter;
}

export async function scimPlugin(
  app: FastifyInstance,
  { deps, store, requestLog, allowedMethods, metrics }: ScimPluginOptions,
): Promise<void> {
  const bodyLimit = deps.config.bodyLimitBytes;
  app.addContentTypeParser(SCIM_MEDIA_TYPE, { parseAs: "string" }, createJsonBodyParser(app));
  app.addHook("onRoute", defaultMediaTypes([SCIM_MEDIA_TYPE, ...JSON_MEDIA_TYPES]));
  app.setErrorHandler(createScimErrorHandler(bodyLimit));
  app.addHook("onResponse", function countAndLogScimAnswer(request, reply, done) {
    // By directory only once its token was accepted: ids in unauthenticated URLs are anyone's to invent.
    if (request.principal?.kind === "directory")
      metrics.countScimResponse(request.principal.directoryId, reply.statusCode);
    else if (request.scimLogDirectoryId) metrics.countScimResponse("unauthenticated", reply.statusCode);
    if (request.scimLogDirectoryId) {
      requestLog.record({
        directory_id: request.scimLogDirectoryId,
        method: request.method,
        path: request.url,
        status: reply.statusCode,
        latency_ms: Math.round(reply.elapsedTime * 100) / 100,
        error_detail: request.scimErrorDetail,
        request_body: redactBody(request.body),
        user_agent: request.headers["user-agent"]?.slice(0, 200) ?? null,
        authenticated: request.scimDirectory ? 1 : 0,
      });
    }
    done();
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = allowedMethods.of(path);
    if (allowed.length === 0)
      return sendScimError(reply, createScimError(404, { detail: `No SCIM resource at ${request.method} ${path}` }));
    reply.header("Allow", allowed.join(", "));
    return sendScimError(
      reply,
      createScimError(405, { detail: `${request.method} is not allowed on ${path}; it answers ${allowed.join(", ")}` }),
    );
  });
  // Callback hooks (a throw still reaches the error handler): an async hook costs a promise per request.
  // preParsing: after the rate limiter's onRequest (a route hook, run after this plugin's), so
  // requests without a valid token are counted too; before parsing, so their bodies never are.
  app.addHook("preParsing", function scimBearer(request, _reply, payload, done) {
    requireScimDirectory(request);
    done(null, payload);
  });
  app.addHook("onSend", function scimMediaType(_request, reply, payload, done) {
    if (String(reply.getHeader("content-type") ?? "").startsWith("application/json")) reply.type(SCIM_MEDIA_TYPE);
    done(null, payload);
  });

  await app.register(usersRoutes, { deps, store });
  await app.register(groupsRoutes, { deps, store });
  await app.register(bulkRoutes, { deps, store });
  await app.register(discoveryRoutes, { deps });
}
