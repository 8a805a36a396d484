import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyInstance } from "fastify";
import { apiKeyRoutes } from "./api/api-keys-routes.js";
import { auditLogRoutes } from "./api/audit-log-routes.js";
import { directoryRoutes } from "./api/directories-routes.js";
import { directoryGroupRoutes } from "./api/directory-groups-routes.js";
import { directoryUserRoutes } from "./api/directory-users-routes.js";
import { eventRoutes } from "./api/events-routes.js";
import { organizationRoutes } from "./api/organizations-routes.js";
import { webhookEndpointRoutes } from "./api/webhook-endpoints-routes.js";
import { ErrorResponse } from "./api/schemas/common.js";
import type { ApiServices } from "./api/services.js";
import { createApiKeyLastUse, recordingLastUse } from "./auth/api-key-last-use.js";
import { createApiKeyService } from "./auth/api-keys.js";
import { createScimTokenCache, type ScimTokenCache } from "./auth/scim-token-cache.js";
import { shareScimTokenChanges } from "./auth/scim-token-sharing.js";
import type { Deps } from "./core/deps.js";
import { Errors } from "./core/errors.js";
import { createPrincipalResolver, rateLimitKey } from "./http/authenticate.js";
import { createErrorHandler, sendError } from "./http/error-handler.js";
import { loggerOptions } from "./http/logger.js";
import { installMetrics } from "./http/metrics.js";
import { requestId } from "./http/request-id.js";
import { socketTimeouts } from "./http/socket-timeouts.js";
import { systemRoutes } from "./http/system-routes.js";
import { lazySerializerFactory, lazyValidatorCompiler } from "./http/lazy-compile.js";
import { validatorCompiler } from "./http/validator.js";
import { createAllowedMethods } from "./http/allowed-methods.js";
import { createJsonBodyParser } from "./http/json-body.js";
import { acceptMediaTypes, JSON_MEDIA_TYPES } from "./http/media-types.js";
import { refuseUnstorableText } from "./http/storable-input.js";
import { scimRequestRoutes } from "./api/scim-requests-routes.js";
import { createScimRequestLog } from "./scim/request-log/request-log.js";
import {
  createScimAuthenticator,
  UNAUTHENTICATED_SCIM_KEY,
  unauthenticatedScimKey,
} from "./scim/scim-authentication.js";
import { scimPlugin } from "./scim/scim-plugin.js";
import { createDirectoryStore } from "./directory/index.js";
import { createDirectoryService } from "./tenancy/directories.js";
import { createOrganizationService } from "./tenancy/organizations.js";
import { createSecretKeyring, type SecretKeyring } from "./crypto/secret-key.js";
import { createWebhookApi } from "./webhooks/webhook-api.js";
import { syncRoutes } from "./api/sync-routes.js";
import type { ConnectorKinds } from "./connectors/connector-kind.js";
import { defaultConnectorKinds } from "./connectors/registry.js";
import { installDrain } from "./server/drain.js";
import { createSyncService, type SyncService, type SyncThreadOptions } from "./sync/sync-service.js";
import { createPullDirectories, type PullDirectories } from "./tenancy/pull-directories.js";
import type { Storage } from "./storage/connect.js";
import { portalPlugin } from "./portal/portal-plugin.js";
import { assetsRoutes } from "./web/assets-routes.js";
import { createConsolePrincipal } from "./console/console-auth.js";
import { consoleRoutes } from "./console/console-routes.js";
import { createConsoleSessions } from "./console/console-sessions.js";

export interface AppOptions {
  /** false silences request logs (tests); otherwise pino at config.logLevel. */
  readonly logger?: boolean;
  /** Where log lines go (default stdout); tests read them back. */
  readonly logStream?: NodeJS.WritableStream;
  /** Seals webhook secrets; `roster serve` shares one with its delivery worker. */
  readonly secretKeyring?: SecretKeyring;
  /** The pull connectors offered, by directory type (default: all of this build's). */
  readonly connectorKinds?: ConnectorKinds;
  /** Runs syncs on threads of their own (see `SyncServiceDeps.thread`); ignored with `connectorKinds` unless it names a `kindsModule`. */
  readonly syncThread?: SyncThreadOptions | undefined;
  /** The database pool's state, for `/metrics`. */
  readonly poolStats?: Storage["poolStats"] | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Pull directories' sync runs; `roster serve` schedules them, tests wait on them. */
    readonly sync: SyncService;
  }
}

export function createServices(deps: Deps, pull?: PullDirectories, scimTokens?: ScimTokenCache): ApiServices {
  const store = createDirectoryStore(deps);
  return Object.freeze({
    store,
    organizations: createOrganizationService(deps),
    apiKeys: createApiKeyService(deps),
    directories: createDirectoryService(deps, { pull, scimTokens, store }),
  });
}

/** Builds the whole HTTP app from its parts; `main` listens, tests `inject`. */
export async function buildApp(deps: Deps, options: AppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel, options.logStream),
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestId,
    requestIdHeader: false,
    trustProxy: false,
    // IdPs and SCIM test tools send `/Users/?filter=…` and `/users`: paths match with or without a
    // trailing slash and in any letter case (ids and other parameters keep theirs).
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false },
    ...socketTimeouts(config.timeouts),
    // The drain answers those (with Retry-After) instead of Fastify's bare 503.
    return503OnClosing: false,
    schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(lazyValidatorCompiler(validatorCompiler));
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, createJsonBodyParser(app));
  app.addHook("preParsing", acceptMediaTypes(JSON_MEDIA_TYPES));
  app.addHook("preValidation", refuseUnstorableText);
  app.setErrorHandler(createErrorHandler(config.bodyLimitBytes));
  const allowedMethods = createAllowedMethods();
  app.addHook("onRoute", allowedMethods.onRoute);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const allowed = allowedMethods.of(path);
    if (allowed.length === 0) return sendError(reply, Errors.routeNotFound(request.method, path));
    return sendError(reply.header("Allow", allowed.join(", ")), Errors.methodNotAllowed(request.method, path, allowed));
  });
  // Hooks that never wait take a callback: an async hook costs a promise and a turn per request.
  app.addHook("onSend", function requestIdHeader(request, reply, payload, done) {
    reply.header("x-request-id", request.id);
    done(null, payload);
  });
  // Before the principal is resolved: a draining server answers without touching the database.
  installDrain(app);

  const keyring =
    options.secretKeyring ??
    createSecretKeyring({
      secretKey: config.secretKey,
      previousSecretKeys: config.previousSecretKeys,
      database: config.database,
      warn: (message) => app.log.warn(message),
    });
  const kinds = options.connectorKinds ?? defaultConnectorKinds();
  const shared = shareScimTokenChanges(
    createScimTokenCache({ db: deps.db, clock: deps.clock, ttlMs: config.scimTokenCacheMs }),
    {
      ...deps,
      database: config.database,
      onError: (err) => app.log.warn({ err }, "telling other processes of a SCIM token change failed"),
    },
  );
  const scimTokens = shared.cache;
  app.addHook("onClose", async () => shared.close());
  const services = createServices(deps, createPullDirectories({ clock: deps.clock, keyring, kinds }), scimTokens);
  // A thread builds its connector kinds itself; kinds it cannot load (tests' in-memory ones) run on the event loop.
  const thread = options.connectorKinds && !options.syncThread?.kindsModule ? undefined : options.syncThread;
  const sync = createSyncService({
    ...deps,
    store: services.store,
    keyring,
    kinds,
    log: app.log.child({ component: "sync" }),
    batchSize: config.sync.batchSize,
    thread,
  });
  app.decorate("sync", sync);
  app.addHook("onClose", async () => sync.close());
  app.decorateRequest("principal", null);
  app.decorateRequest("scimDirectory", null);
  app.decorateRequest("scimLogDirectoryId", null);
  app.decorateRequest("scimErrorDetail", null);
  app.decorateRequest("scimDirectoryStanding", null);
  const scimRequestLog = createScimRequestLog({
    db: deps.db,
    ids: deps.ids,
    clock: deps.clock,
    onError: (err) => app.log.error({ err }, "writing the SCIM request log failed"),
  });
  app.addHook("onClose", async () => scimRequestLog.close());
  const keyLastUse = createApiKeyLastUse({
    db: deps.db,
    clock: deps.clock,
    onError: (err) => app.log.warn({ err }, "recording an API key's last use failed"),
  });
  app.addHook("onClose", async () => keyLastUse.close());
  const apiKeys = recordingLastUse(services.apiKeys, keyLastUse);
  const consoleSessions = createConsoleSessions(deps, apiKeys);
  // One hook for every request, SCIM ones included: the tenant log tag and the rate limiter below
  // are app-wide and need the caller first, so the SCIM door's authenticator is handed in here.
  const resolvePrincipal = createPrincipalResolver(
    deps,
    apiKeys,
    createScimAuthenticator(deps, scimTokens),
    createConsolePrincipal(consoleSessions),
  );
  app.addHook("onRequest", resolvePrincipal);
  // Every later log line of a request names whom it was for: its organization, and its directory under a SCIM base.
  app.addHook("onRequest", function tagLogsWithTenant(request, reply, done) {
    const principal = request.principal;
    if (principal && principal.kind !== "admin") {
      const tenant =
        principal.kind === "directory"
          ? { organizationId: principal.organizationId, directoryId: principal.directoryId }
          : { organizationId: principal.organizationId };
      request.log = request.log.child(tenant);
      reply.log = request.log;
    }
    done();
  });

  await app.register(rateLimit, {
    global: true,
    timeWindow: config.rateLimit.windowMs,
    max: (_request, key) => {
      if (key.startsWith(UNAUTHENTICATED_SCIM_KEY)) return config.rateLimit.scimUnauthenticatedMax;
      return key.startsWith("scim:") ? config.rateLimit.scimMax : config.rateLimit.apiMax;
    },
    keyGenerator: (request) => unauthenticatedScimKey(request) ?? rateLimitKey(request),
    errorResponseBuilder: (_request, context) =>
      Object.assign(Errors.rateLimited(Math.ceil(context.ttl / 1000)), { statusCode: 429 }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Roster",
        version: "0.1.0",
        description: "Directory sync: SCIM 2.0 ingest and a WorkOS-compatible directory API.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  app.addSchema(ErrorResponse);

  const metrics = installMetrics(app, {
    token: config.metricsToken,
    db: deps.db,
    clock: deps.clock,
    poolStats: options.poolStats,
  });
  await app.register(systemRoutes, { deps });
  await app.register(organizationRoutes, { services });
  await app.register(apiKeyRoutes, { services });
  await app.register(auditLogRoutes, { db: deps.db });
  await app.register(directoryRoutes, { services, tokenGraceSeconds: config.scimTokenGraceSeconds });
  await app.register(directoryUserRoutes, { deps });
  await app.register(directoryGroupRoutes, { deps });
  await app.register(eventRoutes, { deps });
  await app.register(webhookEndpointRoutes, createWebhookApi(deps, keyring));
  await app.register(syncRoutes, { sync, csvBodyLimit: config.sync.csvUploadLimitBytes });
  await app.register(scimRequestRoutes, { services, requestLog: scimRequestLog });
  await app.register(scimPlugin, {
    prefix: "/scim/v2",
    deps,
    store: services.store,
    requestLog: scimRequestLog,
    allowedMethods,
    metrics,
  });
  await app.register(assetsRoutes);
  await app.register(consoleRoutes, { deps, sessions: consoleSessions });
  await app.register(portalPlugin, {
    deps,
    directories: services.directories,
    sync,
    requestLog: scimRequestLog,
    kinds,
    tokenGraceSeconds: config.scimTokenGraceSeconds,
    formBodyLimit: config.sync.csvUploadLimitBytes,
  });
  return app;
}
