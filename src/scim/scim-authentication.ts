import type { FastifyRequest } from "fastify";
import type { ScimTokenCache } from "../auth/scim-token-cache.js";
import { isDeletedDirectoryToken } from "../auth/scim-tokens.js";
import { SECRET_PREFIXES } from "../auth/secrets.js";
import type { Deps } from "../core/deps.js";
import type { DeactivatedMembersPolicy } from "../directory/directory-types.js";
import type { DirectoryContext } from "../directory/types.js";
import { markDirectoryLinked } from "../tenancy/directory-link.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The directory whose SCIM token authenticated this request, under `/scim/v2/{id}` only. */
    scimDirectory: DirectoryContext | null;
    /** The live directory a SCIM request addressed, authenticated or not: whose request log it goes to. */
    scimLogDirectoryId: string | null;
    /** The SCIM error detail answered, kept for the request log. */
    scimErrorDetail: string | null;
    /** What a SCIM caller may learn of the directory its URL names (see `ScimDirectoryStanding`). */
    scimDirectoryStanding: ScimDirectoryStanding | null;
  }
}

/**
 * The directory a SCIM URL names, as its caller may learn it. A soft-deleted directory is
 * `deleted` only to a bearer of one of its own tokens; to anyone else it is `absent`, exactly as an
 * id that never existed or was purged. So a caller without the token learns only what it did
 * before (a live directory answers 401, anything else 404) and cannot tell deletion from absence,
 * while the IdP whose token it is learns why its requests stopped, instead of hunting a token problem.
 */
export type ScimDirectoryStanding = "live" | "deleted" | "absent";

export const UNAUTHENTICATED_SCIM_KEY = "scim-unauthenticated:";

// Case-insensitive, as the router matches paths (see app.ts): whatever reaches the SCIM routes is authenticated as SCIM.
const SCIM_PATH = /^\/scim\/v2\/([^/?]+)/i;

/**
 * Authenticates requests under a SCIM base: the directory's token opens it, and only there (the
 * principal resolver of http/authenticate.ts leaves these requests to this one). Any attempt on a
 * live directory is logged there. SCIM tokens are verified through `scimTokens`, which remembers
 * them briefly (see there). Returns whether the request was a SCIM one; never throws.
 */
export function createScimAuthenticator(deps: Deps, scimTokens: ScimTokenCache) {
  async function resolveScim(request: FastifyRequest, directoryId: string, token: string | null): Promise<void> {
    const owner = token?.startsWith(SECRET_PREFIXES.scimToken) ? await scimTokens.verify(directoryId, token) : null;
    if (owner) {
      request.principal = { kind: "directory", directoryId, organizationId: owner.organizationId };
      request.scimDirectory = {
        id: directoryId,
        organizationId: owner.organizationId,
        deactivatedMembers: owner.deactivatedMembers as DeactivatedMembersPolicy,
      };
      request.scimLogDirectoryId = directoryId;
      request.scimDirectoryStanding = "live";
      // The IdP's first authenticated request links the directory; the cache then learns the new state.
      if (owner.state === "unlinked") {
        // Best effort: a database that refuses writes must not fail the IdP's reads; the next request tries again.
        try {
          await markDirectoryLinked(deps.db, deps.clock, directoryId);
          scimTokens.forget(directoryId);
        } catch (error) {
          request.log.warn({ err: error, directory: directoryId }, "could not mark the directory linked");
        }
      }
      return;
    }
    const directory = await deps.db
      .selectFrom("directories")
      .select("deleted_at")
      .where("id", "=", directoryId)
      .executeTakeFirst();
    if (directory && directory.deleted_at === null) {
      request.scimLogDirectoryId = directoryId;
      request.scimDirectoryStanding = "live";
      return;
    }
    // Looked up whether the directory was deleted or never existed: the time taken must not tell
    // the two apart for a caller the answer does not tell.
    const ownToken = token?.startsWith(SECRET_PREFIXES.scimToken)
      ? await isDeletedDirectoryToken(deps.db, deps.clock, directoryId, token)
      : false;
    request.scimDirectoryStanding = directory && ownToken ? "deleted" : "absent";
  }

  return async function authenticateScim(request: FastifyRequest, token: string | null): Promise<boolean> {
    request.scimDirectory = null;
    request.scimLogDirectoryId = null;
    request.scimDirectoryStanding = null;
    const scim = SCIM_PATH.exec(request.url);
    if (!scim?.[1]) return false;
    await resolveScim(request, decodeURIComponent(scim[1]), token);
    return true;
  };
}

/**
 * The rate-limit key of a SCIM request without a token that opens its directory: per client
 * address, on a budget of its own (see app.ts); null for any other request.
 */
export function unauthenticatedScimKey(request: FastifyRequest): string | null {
  if (request.scimDirectoryStanding !== null && request.principal?.kind !== "directory")
    return `${UNAUTHENTICATED_SCIM_KEY}${request.ip}`;
  return null;
}
