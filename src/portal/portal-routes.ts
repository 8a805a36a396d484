import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyInstance, FastifyReply } from "fastify";
import { AppError, Errors } from "../core/errors.js";
import type { Deps } from "../core/deps.js";
import type { ConnectorKinds } from "../connectors/connector-kind.js";
import type { ScimRequestLog } from "../scim/request-log/request-log.js";
import type { SyncService } from "../sync/sync-service.js";
import type { DirectoryService } from "../tenancy/directories.js";
import { choiceForType, connectorFromForm, GENERIC_SCIM, ingestChoice, PULL_CHOICES } from "./idp-guides.js";
import { directoryPage } from "./pages/directory-page.js";
import { homePage } from "./pages/home-page.js";
import { signedOutPage } from "./pages/link-pages.js";
import { setupPage } from "./pages/setup-page.js";
import { tokenPage } from "./pages/token-page.js";
import { activityJson, directoryActivity, portalDirectory } from "./portal-activity.js";
import { type PortalContext, portalCookie } from "./portal-session.js";
import type { WebSessions } from "../web/web-sessions.js";

export interface PortalPageDeps {
  readonly deps: Deps;
  readonly directories: DirectoryService;
  readonly sync: SyncService;
  readonly requestLog: ScimRequestLog;
  readonly sessions: WebSessions;
  readonly kinds: ConnectorKinds;
  readonly tokenGraceSeconds: number;
}

type Form = Record<string, string | undefined>;

const HTML = "text/html; charset=utf-8";

function ctxOf(request: { portal: PortalContext | null }): PortalContext {
  if (!request.portal) throw Errors.unauthorized();
  return request.portal;
}

/** The portal's pages, behind a portal session; every POST carries the CSRF token (checked by the plugin). */
export async function portalPageRoutes(app: FastifyInstance, options: PortalPageDeps): Promise<void> {
  const { deps, directories, sync, requestLog, sessions, kinds, tokenGraceSeconds } = options;
  const activityDeps = { db: deps.db, directories, requestLog, sync };
  const pullTypes = new Set(Object.keys(kinds));
  const secure = deps.config.publicUrl.startsWith("https:");
  const pullChoice = (key: string) => PULL_CHOICES.find((c) => c.key === key && pullTypes.has(c.type));

  app.get("/portal", async (request, reply) => {
    const ctx = ctxOf(request);
    const page = await directories.list({ scope: ctx.organizationId }, { limit: 100, order: "asc" });
    return reply.type(HTML).send(homePage(ctx, page.data, pullTypes));
  });

  app.get<{ Params: { idp: string } }>("/portal/setup/:idp", async (request, reply) => {
    const choice = ingestChoice(request.params.idp) ?? pullChoice(request.params.idp);
    if (!choice) throw Errors.notFound("Identity provider choice", request.params.idp);
    return reply.type(HTML).send(setupPage(ctxOf(request), choice));
  });

  app.post<{ Body: Form }>("/portal/directories", async (request, reply) => {
    const ctx = ctxOf(request);
    const form = request.body ?? {};
    const key = form.idp ?? "";
    const ingest = ingestChoice(key);
    const choice = ingest ?? pullChoice(key);
    if (!choice) throw Errors.notFound("Identity provider choice", key);
    const connector = ingest ? undefined : connectorFromForm(choice, form);
    let created: Awaited<ReturnType<DirectoryService["create"]>>;
    try {
      created = await directories.create(
        { organization_id: ctx.organizationId, name: form.name ?? "", type: choice.type, connector },
        ctx.organizationId,
        auditContextOf(request),
      );
    } catch (error) {
      if (error instanceof AppError && error.status === 422)
        return reply
          .code(422)
          .type(HTML)
          .send(
            setupPage(ctx, choice, form as Record<string, string>, { message: error.message, errors: error.errors }),
          );
      throw error;
    }
    request.log.info(
      { directory: created.id, organization: ctx.organizationId, type: created.type },
      "portal: directory created",
    );
    if (!ingest || !created.scim?.token)
      return reply.code(303).header("location", `/portal/directories/${created.id}`).send();
    const activity = await directoryActivity(activityDeps, ctx.organizationId, created.id);
    // The token is in this answer only: it must not be stored by the browser's cache.
    return reply
      .header("cache-control", "no-store")
      .type(HTML)
      .send(
        tokenPage(ctx, ingest, activity, { baseUrl: created.scim.base_url, token: created.scim.token, rotated: false }),
      );
  });

  app.get<{ Params: { id: string } }>("/portal/directories/:id", async (request, reply) => {
    const ctx = ctxOf(request);
    return reply
      .type(HTML)
      .send(directoryPage(ctx, await directoryActivity(activityDeps, ctx.organizationId, request.params.id)));
  });

  app.get<{ Params: { id: string } }>("/portal/directories/:id/activity", async (request, reply) => {
    const ctx = ctxOf(request);
    return reply
      .header("cache-control", "no-store")
      .send(activityJson(await directoryActivity(activityDeps, ctx.organizationId, request.params.id)));
  });

  app.post<{ Params: { id: string } }>("/portal/directories/:id/token", async (request, reply) => {
    const ctx = ctxOf(request);
    const directory = await portalDirectory(directories, ctx.organizationId, request.params.id);
    const choice = choiceForType(directory.type) ?? GENERIC_SCIM;
    const rotated = await directories.rotateScimToken(
      directory.id,
      ctx.organizationId,
      tokenGraceSeconds,
      auditContextOf(request),
    );
    request.log.info({ directory: directory.id, organization: ctx.organizationId }, "portal: SCIM token rotated");
    const activity = await directoryActivity(activityDeps, ctx.organizationId, directory.id);
    return reply
      .header("cache-control", "no-store")
      .type(HTML)
      .send(
        tokenPage(ctx, choice, activity, {
          baseUrl: rotated.base_url,
          token: rotated.token,
          previousExpiresAt: rotated.previous_token_expires_at,
          rotated: true,
        }),
      );
  });

  const backTo = (reply: FastifyReply, id: string) =>
    reply.code(303).header("location", `/portal/directories/${id}`).send();

  app.post<{ Params: { id: string } }>("/portal/directories/:id/sync", async (request, reply) => {
    const ctx = ctxOf(request);
    const directory = await portalDirectory(directories, ctx.organizationId, request.params.id);
    await sync.start(directory.id, ctx.organizationId, {});
    return backTo(reply, directory.id);
  });

  app.post<{ Params: { id: string }; Body: Form }>("/portal/directories/:id/csv", async (request, reply) => {
    const ctx = ctxOf(request);
    const directory = await portalDirectory(directories, ctx.organizationId, request.params.id);
    const upload = request.body?.csv ?? "";
    if (!upload.trim())
      throw Errors.validation("Choose a CSV file or paste its rows first", [
        { field: "csv", code: "required", message: "is empty" },
      ]);
    await sync.start(directory.id, ctx.organizationId, { upload, trigger: "upload" });
    return backTo(reply, directory.id);
  });

  app.post<{ Params: { id: string; run: string } }>(
    "/portal/directories/:id/syncs/:run/confirm",
    async (request, reply) => {
      const ctx = ctxOf(request);
      const directory = await portalDirectory(directories, ctx.organizationId, request.params.id);
      await sync.confirm(directory.id, request.params.run, ctx.organizationId, auditContextOf(request));
      request.log.info({ directory: directory.id, run: request.params.run }, "portal: held sync run confirmed");
      return backTo(reply, directory.id);
    },
  );

  app.post("/portal/sign_out", async (request, reply) => {
    const ctx = ctxOf(request);
    await sessions.end(ctx.sessionToken);
    return reply
      .header("set-cookie", portalCookie("", 0, secure))
      .type(HTML)
      .send(signedOutPage());
  });
}
