import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { toAppError, sendError } from "../http/error-handler.js";
import { createWebSessions } from "../web/web-sessions.js";
import { webSecurityHeaders } from "../web/security-headers.js";
import { generateLinkRoutes } from "./generate-link-routes.js";
import { linkAcceptedPage, linkProblemPage, portalErrorPage } from "./pages/link-pages.js";
import { createPortalLinks, PORTAL_SESSION_TTL_MS } from "./portal-links.js";
import { type PortalPageDeps, portalPageRoutes } from "./portal-routes.js";
import { createPortalSessionHook, portalCookie, requirePortalCsrf } from "./portal-session.js";
import { defaultMediaTypes, JSON_MEDIA_TYPES } from "../http/media-types.js";

const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

export interface PortalPluginOptions extends Omit<PortalPageDeps, "sessions"> {
  /** Largest form body (a pasted CSV), in bytes. */
  readonly formBodyLimit: number;
}

const HTML = "text/html; charset=utf-8";

/** Portal pages answer errors with a page saying what went wrong; the polled JSON answers JSON. */
function portalErrorHandler(bodyLimit: number) {
  return function portalError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const appError = toAppError(error, bodyLimit);
    if (appError.status >= 500) request.log.error({ err: error }, "portal request failed");
    if (request.url.split("?")[0]?.endsWith("/activity")) return sendError(reply, appError);
    const message =
      appError.status >= 500 ? "Roster could not complete this. Try again in a moment." : appError.message;
    return reply.code(appError.status).type(HTML).send(portalErrorPage(appError.status, message));
  };
}

/**
 * Setup links (WorkOS's Admin Portal): `POST /portal/generate_link` for the application, and
 * the `/portal` pages the customer's IT admin opens it with, confined to one organization.
 */
export async function portalPlugin(app: FastifyInstance, options: PortalPluginOptions): Promise<void> {
  const { deps } = options;
  const sessions = createWebSessions(deps);
  const links = createPortalLinks(deps, sessions);
  const secure = deps.config.publicUrl.startsWith("https:");
  await app.register(generateLinkRoutes, { links });

  await app.register(async (web) => {
    // HTML pages are not part of the API's OpenAPI document.
    web.addHook("onRoute", (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    web.decorateRequest("portal", null);
    web.addHook("onRequest", webSecurityHeaders);
    web.addContentTypeParser(
      FORM_MEDIA_TYPE,
      { parseAs: "string", bodyLimit: options.formBodyLimit },
      (_request, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(body as string)));
      },
    );
    web.setErrorHandler(portalErrorHandler(options.formBodyLimit));
    // The pages post HTML forms; the app's content-type rule (http/media-types.ts) reads JSON elsewhere.
    web.addHook("onRoute", defaultMediaTypes([FORM_MEDIA_TYPE, ...JSON_MEDIA_TYPES]));

    web.get<{ Querystring: { secret?: string } }>("/portal/launch", async (request, reply) => {
      reply.header("cache-control", "no-store");
      const secret = typeof request.query.secret === "string" ? request.query.secret : "";
      const opened = secret
        ? await links.open(secret, { requestId: request.id, sourceIp: request.ip || null })
        : ({ ok: false, reason: "unknown", link: null } as const);
      if (!opened.ok) {
        request.log.info({ link: opened.link?.id ?? null, reason: opened.reason }, "setup link refused");
        return reply
          .code(opened.reason === "unknown" ? 404 : 410)
          .type(HTML)
          .send(linkProblemPage(opened.reason));
      }
      request.log.info({ link: opened.link.id, organization: opened.link.organization_id }, "setup link opened");
      return reply
        .header("set-cookie", portalCookie(opened.sessionToken, PORTAL_SESSION_TTL_MS / 1000, secure))
        .type(HTML)
        .send(linkAcceptedPage());
    });

    await web.register(async (pages) => {
      pages.addHook("preHandler", createPortalSessionHook(deps.db, sessions));
      pages.addHook("preHandler", requirePortalCsrf);
      await portalPageRoutes(pages, { ...options, sessions });
    });
  });
}
