import type { FastifyRequest } from "fastify";
import { isAdminKey } from "../auth/admin-key.js";
import type { ApiKeyService } from "../auth/api-keys.js";
import type { Principal } from "../auth/principal.js";
import { SECRET_PREFIXES } from "../auth/secrets.js";
import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The principal a request's browser session lends it (the console's cookie with its CSRF header), or null. */
export type SessionPrincipal = (request: FastifyRequest) => Promise<Exclude<Principal, { kind: "directory" }> | null>;

/**
 * Resolves the caller once per request. Requests under a SCIM base are the SCIM door's to
 * authenticate (scim/scim-authentication.ts, `authenticateScim`, asked first): a SCIM token counts
 * only there, admin and organization keys only outside it, where a request without a bearer token
 * may instead be a console session's (`sessionPrincipal`). Never throws: the scopes decide what they need.
 */
export function createPrincipalResolver(
  deps: Deps,
  apiKeys: ApiKeyService,
  authenticateScim: (request: FastifyRequest, token: string | null) => Promise<boolean>,
  sessionPrincipal?: SessionPrincipal,
) {
  return async function resolvePrincipal(request: FastifyRequest): Promise<void> {
    request.principal = null;
    const token = bearerToken(request);
    if (await authenticateScim(request, token)) return;
    if (!token) {
      if (sessionPrincipal) request.principal = await sessionPrincipal(request);
      return;
    }
    if (token.startsWith(SECRET_PREFIXES.apiKey)) {
      const key = await apiKeys.verify(token);
      if (key) request.principal = { kind: "organization", organizationId: key.organizationId, keyId: key.keyId };
      return;
    }
    if (await isAdminKey(deps.db, token)) request.principal = { kind: "admin" };
  };
}

/** The caller of a normalized-API route: the admin or an organization key, nothing else. */
export function requireApiPrincipal(request: FastifyRequest): Exclude<Principal, { kind: "directory" }> {
  const principal = request.principal;
  if (!principal || principal.kind === "directory") throw Errors.unauthorized();
  return principal;
}

export function requireAdmin(request: FastifyRequest): void {
  if (requireApiPrincipal(request).kind !== "admin") throw Errors.forbidden("Only the admin key may do this");
}

/**
 * A key for rate limiting that names the credential without holding it (SCIM requests without a
 * token that opens their directory have a key of their own: scim/scim-authentication.ts).
 */
export function rateLimitKey(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return `ip:${request.ip}`;
  if (p.kind === "admin") return "admin";
  if (p.kind === "organization") return `key:${p.keyId}`;
  return `scim:${p.directoryId}`;
}
