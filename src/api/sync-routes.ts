import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import { idPattern } from "../core/ids.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import type { SyncService } from "../sync/sync-service.js";
import { ignoreContentTypeWithoutBody } from "./bodiless.js";
import { errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { ConnectorTestSchema } from "./schemas/connector-test-object.js";
import { SyncRunSchema } from "./schemas/sync-run-object.js";

const DirParams = Type.Object({ id: Type.String({ pattern: idPattern("directory") }) });
const RunParams = Type.Object({
  id: Type.String({ pattern: idPattern("directory") }),
  run: Type.String({ pattern: idPattern("syncRun") }),
});
const DryRunQuery = Type.Object({ dry_run: Type.Optional(Type.Boolean()) }, { additionalProperties: false });

export interface SyncRouteOptions {
  readonly sync: SyncService;
  /** Largest CSV upload accepted, in bytes. */
  readonly csvBodyLimit: number;
}

/** Pull directories' sync runs: start, follow, confirm, one user, CSV upload. */
export const syncRoutes: FastifyPluginAsyncTypebox<SyncRouteOptions> = async (app, { sync, csvBodyLimit }) => {
  const tags = ["sync"];
  const scopeOf = (request: Parameters<typeof requireApiPrincipal>[0]) =>
    organizationScope(requireApiPrincipal(request));

  app.post(
    "/directories/:id/sync",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: {
        tags,
        params: DirParams,
        body: Type.Optional(
          Type.Object(
            {
              dry_run: Type.Optional(Type.Boolean({ description: "Compute the changes without writing any" })),
              mode: Type.Optional(
                Type.Union([Type.Literal("full"), Type.Literal("delta")], {
                  description:
                    "Default `full`; `delta` reads only what changed since the last run, where the source allows it",
                }),
              ),
            },
            { additionalProperties: false },
          ),
        ),
        response: { 202: SyncRunSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      return reply
        .code(202)
        .send(await sync.start(request.params.id, scopeOf(request), { dryRun: body.dry_run, mode: body.mode }));
    },
  );

  app.post(
    "/directories/:id/connector/test",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: {
        tags,
        summary: "Check a pull directory's stored connector settings against the provider, writing nothing",
        params: DirParams,
        response: { 200: ConnectorTestSchema, ...errorResponses },
      },
    },
    async (request) => {
      // The test stops when the caller goes away; each request in it has its own deadline too.
      const gone = new AbortController();
      request.raw.once("close", () => gone.abort());
      const result = await sync.testConnector(request.params.id, scopeOf(request), gone.signal);
      return { ok: result.ok, checks: [...result.checks] };
    },
  );

  app.get(
    "/directories/:id/sync",
    { schema: { tags, params: DirParams, response: { 200: SyncRunSchema, ...errorResponses } } },
    async (request) => sync.current(request.params.id, scopeOf(request)),
  );

  app.get(
    "/directories/:id/syncs",
    {
      schema: {
        tags,
        params: DirParams,
        querystring: listQuery(idPattern("syncRun"), {}),
        response: { 200: listEnvelope(SyncRunSchema), ...errorResponses },
      },
    },
    async (request) => toList(await sync.list(request.params.id, scopeOf(request), pageOf(request.query))),
  );

  app.get(
    "/directories/:id/syncs/:run",
    { schema: { tags, params: RunParams, response: { 200: SyncRunSchema, ...errorResponses } } },
    async (request) => sync.get(request.params.id, request.params.run, scopeOf(request)),
  );

  app.post(
    "/directories/:id/syncs/:run/confirm",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: { tags, params: RunParams, response: { 202: SyncRunSchema, ...errorResponses } },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(await sync.confirm(request.params.id, request.params.run, scopeOf(request), auditContextOf(request))),
  );

  app.post(
    "/directories/:id/syncs/:run/discard",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: {
        tags,
        summary: "Drop a run held by the mass-removal guard; nothing it held is applied",
        params: RunParams,
        response: { 200: SyncRunSchema, ...errorResponses },
      },
    },
    async (request) => sync.discard(request.params.id, request.params.run, scopeOf(request)),
  );

  app.post(
    "/directories/:id/sync/users/:username",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: {
        tags,
        params: Type.Object({
          id: Type.String({ pattern: idPattern("directory") }),
          username: Type.String({ minLength: 1, maxLength: 256 }),
        }),
        querystring: DryRunQuery,
        response: { 200: SyncRunSchema, ...errorResponses },
      },
    },
    async (request) =>
      sync.syncUser(request.params.id, scopeOf(request), request.params.username, request.query.dry_run ?? false),
  );

  // A CSV body arrives as text; only this route accepts it, with its own size limit.
  app.addContentTypeParser("text/csv", { parseAs: "string", bodyLimit: csvBodyLimit }, (_request, body, done) =>
    done(null, body),
  );
  app.post(
    "/directories/:id/csv",
    {
      bodyLimit: csvBodyLimit,
      config: { accepts: ["text/csv"] },
      schema: {
        tags,
        params: DirParams,
        querystring: DryRunQuery,
        response: { 202: SyncRunSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const upload = typeof request.body === "string" ? request.body : "";
      return reply.code(202).send(
        await sync.start(request.params.id, scopeOf(request), {
          upload,
          dryRun: request.query.dry_run ?? false,
          trigger: "upload",
        }),
      );
    },
  );
};
