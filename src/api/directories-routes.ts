import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import { idPattern } from "../core/ids.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import { Nullable, errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import {
  DeactivatedMembersSchema,
  DirectorySchema,
  DirectoryTypeSchema,
  RoleRuleSchema,
  ScimTokenSchema,
} from "./schemas/objects.js";
import type { ApiServices } from "./services.js";
import { DirectoryUserSchema } from "./schemas/directory-sync-objects.js";
import { ignoreContentTypeWithoutBody } from "./bodiless.js";

const DirParams = Type.Object({ id: Type.String({ pattern: idPattern("directory") }) });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Domain = Nullable(Type.String({ maxLength: 253 }));
const AttributeMapping = Nullable(Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 500 })));
const RoleMapping = Nullable(Type.Array(RoleRuleSchema));
const Connector = Type.Record(Type.String(), Type.Unknown(), {
  description: "Pull directory types: the connector settings; credentials are never returned",
});

/** `/directories`: WorkOS's list and get, plus Roster's create, patch, soft delete, restore and token rotation. */
export const directoryRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices; tokenGraceSeconds: number }> = async (
  app,
  { services, tokenGraceSeconds },
) => {
  const tags = ["directories"];
  const PrivateNetwork = Type.Boolean({
    description:
      "Admin key only: let the connector reach private addresses although ROSTER_OUTBOUND_PRIVATE refuses them",
  });
  const { directories } = services;

  app.post(
    "/directories",
    {
      schema: {
        tags,
        body: Type.Object(
          {
            organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
            name: Name,
            type: DirectoryTypeSchema,
            domain: Type.Optional(Domain),
            deactivated_members: Type.Optional(DeactivatedMembersSchema),
            connector: Type.Optional(Connector),
            private_network: Type.Optional(PrivateNetwork),
          },
          { additionalProperties: false },
        ),
        response: { 201: DirectorySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const organizationId = request.body.organization_id ?? scope;
      if (!organizationId) {
        return reply.code(422).send({
          code: "validation_error",
          message: "organization_id is required",
          errors: [{ field: "organization_id", code: "required", message: "is required" }],
        });
      }
      return reply
        .code(201)
        .send(
          await directories.create(
            { ...request.body, organization_id: organizationId },
            scope,
            auditContextOf(request),
          ),
        );
    },
  );

  app.get(
    "/directories",
    {
      schema: {
        tags,
        querystring: listQuery(idPattern("directory"), {
          organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
          search: Type.Optional(Type.String({ maxLength: 200 })),
          include_deleted: Type.Optional(Type.Boolean()),
        }),
        response: { 200: listEnvelope(DirectorySchema), ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const { organization_id, search, include_deleted } = request.query;
      return toList(
        await directories.list(
          { scope, organizationId: organization_id, search, includeDeleted: include_deleted },
          pageOf(request.query),
        ),
      );
    },
  );

  app.get(
    "/directories/:id",
    { schema: { tags, params: DirParams, response: { 200: DirectorySchema, ...errorResponses } } },
    async (request) => directories.get(request.params.id, organizationScope(requireApiPrincipal(request))),
  );

  app.patch(
    "/directories/:id",
    {
      schema: {
        tags,
        params: DirParams,
        body: Type.Object(
          {
            name: Type.Optional(Name),
            domain: Type.Optional(Domain),
            deactivated_members: Type.Optional(DeactivatedMembersSchema),
            attribute_mapping: Type.Optional(AttributeMapping),
            role_mapping: Type.Optional(RoleMapping),
            connector: Type.Optional(Connector),
            private_network: Type.Optional(PrivateNetwork),
          },
          { additionalProperties: false },
        ),
        response: { 200: DirectorySchema, ...errorResponses },
      },
    },
    async (request) =>
      directories.update(
        request.params.id,
        organizationScope(requireApiPrincipal(request)),
        request.body,
        auditContextOf(request),
      ),
  );

  app.post(
    "/directories/:id/mapping_preview",
    {
      schema: {
        tags,
        summary: "A user as it would read under the given attribute and role mappings, saving nothing",
        params: DirParams,
        body: Type.Object(
          {
            user: Type.String({ pattern: idPattern("user"), description: "A user of this directory" }),
            attribute_mapping: Type.Optional(AttributeMapping),
            role_mapping: Type.Optional(RoleMapping),
          },
          {
            additionalProperties: false,
            description: "A mapping left out is the directory's saved one; null tries none",
          },
        ),
        response: { 200: DirectoryUserSchema, ...errorResponses },
      },
    },
    async (request) =>
      directories.previewMapping(request.params.id, organizationScope(requireApiPrincipal(request)), request.body),
  );

  app.delete(
    "/directories/:id",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: { tags, params: DirParams, response: { 202: DirectorySchema, ...errorResponses } },
    },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await directories.remove(
            request.params.id,
            organizationScope(requireApiPrincipal(request)),
            auditContextOf(request),
          ),
        ),
  );

  app.post(
    "/directories/:id/restore",
    { schema: { tags, params: DirParams, response: { 200: DirectorySchema, ...errorResponses } } },
    async (request) =>
      directories.restore(request.params.id, organizationScope(requireApiPrincipal(request)), auditContextOf(request)),
  );

  app.post(
    "/directories/:id/scim_token",
    {
      schema: {
        tags,
        params: DirParams,
        body: Type.Object(
          { grace_period_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86_400 })) },
          { additionalProperties: false },
        ),
        response: { 201: ScimTokenSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const grace = request.body?.grace_period_seconds ?? tokenGraceSeconds;
      return reply.code(201).send({
        object: "scim_token" as const,
        ...(await directories.rotateScimToken(request.params.id, scope, grace, auditContextOf(request))),
      });
    },
  );
};
