import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import { idPattern } from "../core/ids.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import type { ScimRequestLog } from "../scim/request-log/request-log.js";
import { Nullable, errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import type { ApiServices } from "./services.js";

const ScimRequestSchema = Type.Object({
  object: Type.Literal("scim_request"),
  id: Type.String(),
  directory_id: Type.String(),
  created_at: Type.String(),
  method: Type.String(),
  path: Type.String(),
  status: Type.Integer(),
  latency_ms: Type.Number(),
  error_detail: Nullable(Type.String()),
  request_body: Nullable(Type.String({ description: "The body as sent, secrets redacted, cut to 8 KiB" })),
  user_agent: Nullable(Type.String()),
  authenticated: Type.Boolean({ description: "Whether the request carried the directory's token" }),
});

/** `GET /directories/{id}/scim_requests`: the directory's last 1,000 SCIM requests, newest first. */
export const scimRequestRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices;
  requestLog: ScimRequestLog;
}> = async (app, { services, requestLog }) => {
  app.get(
    "/directories/:id/scim_requests",
    {
      schema: {
        tags: ["directories"],
        params: Type.Object({ id: Type.String({ pattern: idPattern("directory") }) }),
        querystring: listQuery(idPattern("scimRequest"), {
          status: Type.Optional(Type.Integer({ minimum: 100, maximum: 599 })),
          errors_only: Type.Optional(Type.Boolean()),
        }),
        response: { 200: listEnvelope(ScimRequestSchema), ...errorResponses },
      },
    },
    async (request) => {
      const directory = await services.directories.get(
        request.params.id,
        organizationScope(requireApiPrincipal(request)),
      );
      const page = await requestLog.list(
        directory.id,
        { status: request.query.status, errorsOnly: request.query.errors_only },
        pageOf(request.query),
      );
      return toList({
        ...page,
        data: page.data.map((row) => ({
          object: "scim_request" as const,
          ...row,
          authenticated: row.authenticated === 1,
        })),
      });
    },
  );
};
