import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { idPattern } from "../core/ids.js";
import { requireAdmin } from "../http/authenticate.js";
import { errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { ApiKeySchema } from "./schemas/objects.js";
import type { ApiServices } from "./services.js";
import { ignoreContentTypeWithoutBody } from "./bodiless.js";

const OrgParams = Type.Object({ id: Type.String({ pattern: idPattern("organization") }) });

/** `/organizations/{id}/api_keys`: admin only; the key is shown once, in the create answer. */
export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const tags = ["api keys"];

  app.post(
    "/organizations/:id/api_keys",
    {
      schema: {
        tags,
        params: OrgParams,
        body: Type.Object({ name: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 201: ApiKeySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      await services.organizations.get(request.params.id, null);
      return reply
        .code(201)
        .send(
          await services.apiKeys.create(request.params.id, request.body?.name ?? "default", auditContextOf(request)),
        );
    },
  );

  app.get(
    "/organizations/:id/api_keys",
    {
      schema: {
        tags,
        params: OrgParams,
        querystring: listQuery(idPattern("apiKey"), {}),
        response: { 200: listEnvelope(ApiKeySchema), ...errorResponses },
      },
    },
    async (request) => {
      requireAdmin(request);
      await services.organizations.get(request.params.id, null);
      return toList(await services.apiKeys.list(request.params.id, pageOf(request.query)));
    },
  );

  app.delete(
    "/organizations/:id/api_keys/:keyId",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: {
        tags,
        params: Type.Object({
          id: Type.String({ pattern: idPattern("organization") }),
          keyId: Type.String({ pattern: idPattern("apiKey") }),
        }),
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      await services.apiKeys.revoke(request.params.id, request.params.keyId, auditContextOf(request));
      return reply.code(204).send(null);
    },
  );
};
