import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { Kysely } from "kysely";
import { Type } from "typebox";
import { AUDIT_ACTOR_KINDS } from "../audit/audit-entry.js";
import { listAuditEntries } from "../audit/audit-log.js";
import { organizationScope } from "../auth/principal.js";
import { idPattern } from "../core/ids.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import type { Database } from "../storage/schema.js";
import { Nullable, errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";

const AuditEntrySchema = Type.Object({
  object: Type.Literal("audit_entry"),
  id: Type.String(),
  action: Type.String({
    description: "What was done, e.g. `organization.created`, `directory.scim_token.rotated`, `api_key.revoked`",
  }),
  actor: Type.Object({
    kind: Type.Enum([...AUDIT_ACTOR_KINDS]),
    id: Nullable(Type.String({ description: "The organization key's or the session's id; null for the admin key" })),
  }),
  target_id: Nullable(Type.String({ description: "The object acted on" })),
  organization_id: Nullable(Type.String()),
  request_id: Nullable(Type.String()),
  source_ip: Nullable(Type.String()),
  created_at: Type.String(),
});

/** Action names: dotted lower-case words, one or several comma-separated. */
const ACTIONS = "^[a-z_]+(\\.[a-z_]+)*(,[a-z_]+(\\.[a-z_]+)*)*$";

/** `GET /audit_log`: the admin reads every entry; an organization key its own organization's. */
export const auditLogRoutes: FastifyPluginAsyncTypebox<{ db: Kysely<Database> }> = async (app, { db }) => {
  app.get(
    "/audit_log",
    {
      schema: {
        tags: ["audit log"],
        querystring: listQuery(idPattern("auditEntry"), {
          organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
          action: Type.Optional(
            Type.String({ pattern: ACTIONS, maxLength: 500, description: "Only these actions (comma-separated)" }),
          ),
        }),
        response: { 200: listEnvelope(AuditEntrySchema), ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const { organization_id, action } = request.query;
      return toList(
        await listAuditEntries(
          db,
          { scope, organizationId: organization_id, actions: action?.split(",") },
          pageOf(request.query),
        ),
      );
    },
  );
};
