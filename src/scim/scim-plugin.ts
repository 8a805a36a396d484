import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Deps } from "../core/deps.js";
import type { DirectoryContext } from "../directory/types.js";
import { scimBaseUrl } from "../tenancy/directory-object.js";
import { createScimError } from "./errors.js";
import { SCIM_MEDIA_TYPE } from "./media-type.js";
import { createScimErrorHandler, sendScimError } from "./scim-errors-handler.js";
import { serviceProviderConfig } from "./service-provider-config.js";

/**
 * The directory a SCIM request may touch: the one in its URL, and only when the bearer token is
 * that directory's (the principal resolver checked the token against the URL's directory).
 */
export function requireScimDirectory(request: FastifyRequest): DirectoryContext {
  if (!request.scimDirectory || request.principal?.kind !== "directory") {
    throw createScimError(401, { detail: "Missing or invalid bearer token for this directory" });
  }
  return request.scimDirectory;
}

/** Everything under `/scim/v2/{directoryId}` (registered with that prefix): its own auth, media types and error format. */
export async function scimPlugin(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const bodyLimit = deps.config.bodyLimitBytes;
  app.addContentTypeParser(SCIM_MEDIA_TYPE, { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
  app.setErrorHandler(createScimErrorHandler(bodyLimit));
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    sendScimError(reply, createScimError(404, { detail: `No SCIM resource at ${request.method} ${request.url.split("?")[0]}` })),
  );
  app.addHook("onRequest", async (request) => requireScimDirectory(request));
  app.addHook("onSend", async (_request, reply, payload) => {
    if (String(reply.getHeader("content-type") ?? "").startsWith("application/json")) reply.type(SCIM_MEDIA_TYPE);
    return payload;
  });

  app.get("/:directoryId/ServiceProviderConfig", async (request) =>
    serviceProviderConfig(scimBaseUrl(deps.config.publicUrl, request.scimDirectory?.id ?? ""), { maxOperations: 0, maxPayloadSize: bodyLimit, maxResults: 1000 }),
  );
}
