import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { idPattern } from "../core/ids.js";
import { organizationScope } from "../auth/principal.js";
import { requireAdmin, requireApiPrincipal } from "../http/authenticate.js";
import { errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { OrganizationSchema } from "./schemas/objects.js";
import type { ApiServices } from "./services.js";
import { ignoreContentTypeWithoutBody } from "./bodiless.js";

const OrgParams = Type.Object({ id: Type.String({ pattern: idPattern("organization") }) });
const Domains = Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 100 });

/** `/organizations`: the admin creates and deletes them; an organization key sees its own. */
export const organizationRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  const tags = ["organizations"];

  app.post(
    "/organizations",
    {
      schema: {
        tags,
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), domains: Type.Optional(Domains) },
          { additionalProperties: false },
        ),
        response: { 201: OrganizationSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      requireAdmin(request);
      return reply.code(201).send(await services.organizations.create(request.body, auditContextOf(request)));
    },
  );

  app.get(
    "/organizations",
    {
      schema: {
        tags,
        querystring: listQuery(idPattern("organization"), { search: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 200: listEnvelope(OrganizationSchema), ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      return toList(await services.organizations.list({ search: request.query.search, scope }, pageOf(request.query)));
    },
  );

  app.get(
    "/organizations/:id",
    { schema: { tags, params: OrgParams, response: { 200: OrganizationSchema, ...errorResponses } } },
    async (request) => services.organizations.get(request.params.id, organizationScope(requireApiPrincipal(request))),
  );

  app.patch(
    "/organizations/:id",
    {
      schema: {
        tags,
        params: OrgParams,
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), domains: Type.Optional(Domains) },
          { additionalProperties: false },
        ),
        response: { 200: OrganizationSchema, ...errorResponses },
      },
    },
    async (request) =>
      services.organizations.update(
        request.params.id,
        organizationScope(requireApiPrincipal(request)),
        request.body,
        auditContextOf(request),
      ),
  );

  app.delete(
    "/organizations/:id",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: { tags, params: OrgParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      requireAdmin(request);
      await services.organizations.remove(request.params.id, auditContextOf(request));
      return reply.code(204).send(null);
    },
  );
};
