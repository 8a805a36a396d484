import type { FastifyReply, FastifyRequest } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { readCookie, sessionCookie } from "../web/cookies.js";
import { csrfMatches, csrfToken } from "../web/csrf.js";
import type { WebSessions } from "../web/web-sessions.js";
import { sessionEndedPage } from "./pages/link-pages.js";

export const PORTAL_COOKIE = "roster_portal";
/** The cookie goes only to the portal's own paths. */
export const PORTAL_PATH = "/portal";

/** A portal session: one organization's directory setup, nothing else. */
export interface PortalContext {
  readonly sessionToken: string;
  /** The session's row id: what the audit log names (never the token). */
  readonly sessionId: string;
  readonly organizationId: string;
  readonly organizationName: string;
  readonly csrf: string;
  readonly returnUrl: string | null;
  readonly successUrl: string | null;
}

declare module "fastify" {
  interface FastifyRequest {
    portal: PortalContext | null;
  }
}

export function portalCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return sessionCookie(PORTAL_COOKIE, token, { path: PORTAL_PATH, maxAge: maxAgeSeconds, secure });
}

/** The portal request's session, read once; a page without one answers 401 with a page that says what to do. */
export function createPortalSessionHook(db: Kysely<Database>, sessions: WebSessions) {
  return async function requirePortalSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const token = readCookie(request.headers.cookie, PORTAL_COOKIE);
    const session = token ? await sessions.find("portal", token) : null;
    const org = session?.organization_id
      ? await db
          .selectFrom("organizations")
          .select(["id", "name"])
          .where("id", "=", session.organization_id)
          .executeTakeFirst()
      : undefined;
    const link = session?.link_id
      ? await db
          .selectFrom("portal_links")
          .select(["return_url", "success_url"])
          .where("id", "=", session.link_id)
          .executeTakeFirst()
      : undefined;
    if (!token || !session || !org) {
      await reply.code(401).type("text/html; charset=utf-8").send(sessionEndedPage());
      return;
    }
    request.portal = {
      sessionToken: token,
      sessionId: session.id,
      organizationId: org.id,
      organizationName: org.name,
      csrf: csrfToken(token),
      returnUrl: link?.return_url ?? null,
      successUrl: link?.success_url ?? null,
    };
  };
}

/** Every state-changing portal request carries the session's CSRF token (`_csrf` field or `x-csrf-token` header). */
export async function requirePortalCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.method === "GET" || request.method === "HEAD") return;
  const portal = request.portal;
  const body = request.body as Record<string, unknown> | undefined;
  const presented = request.headers["x-csrf-token"] ?? body?._csrf;
  if (!portal || !csrfMatches(portal.sessionToken, presented)) {
    request.log.warn({ url: request.url.split("?")[0] }, "portal request refused: missing or wrong CSRF token");
    await reply
      .code(403)
      .type("text/html; charset=utf-8")
      .send(
        sessionEndedPage(
          "This form has expired or did not come from the setup page. Go back, reload the page and try again.",
        ),
      );
  }
}
