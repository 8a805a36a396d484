import type { FastifyRequest } from "fastify";
import type { DirectoryContext } from "../directory/types.js";
import { createScimError, type ScimError } from "./errors.js";

/**
 * 404, not 410, for a deleted directory: it is restorable (410 says "likely permanent"), and one
 * status for "no live directory here" keeps deleted, purged and never-created alike to IdPs.
 * The bodies differ only for the bearer of the deleted directory's own token (see
 * `ScimDirectoryStanding` in http/authenticate.ts); anyone else gets the absent body, byte for byte.
 */
const DIRECTORY_DELETED =
  "This directory was deleted in Roster and takes no SCIM requests; restoring it re-opens it with the same token";
const NO_DIRECTORY = "No SCIM directory at this URL";

function refusal(request: FastifyRequest): ScimError {
  switch (request.scimDirectoryStanding) {
    case "deleted":
      return createScimError(404, { detail: DIRECTORY_DELETED });
    case "absent":
      return createScimError(404, { detail: NO_DIRECTORY });
    default:
      return createScimError(401, { detail: "Missing or invalid bearer token for this directory" });
  }
}

/**
 * The directory a SCIM request may touch: the one in its URL, and only when the bearer token is
 * that directory's (the principal resolver checked the token against the URL's directory).
 */
export function requireScimDirectory(request: FastifyRequest): DirectoryContext {
  if (!request.scimDirectory || request.principal?.kind !== "directory") throw refusal(request);
  return request.scimDirectory;
}
