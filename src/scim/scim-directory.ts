import type { FastifyRequest } from "fastify";
import type { DirectoryContext } from "../directory/types.js";
import { createScimError } from "./errors.js";

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
