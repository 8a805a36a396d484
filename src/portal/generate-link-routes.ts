import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import { Errors } from "../core/errors.js";
import { idPattern } from "../core/ids.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import { errorResponses } from "../api/schemas/common.js";
import type { PortalLinks } from "./portal-links.js";

const RedirectUrl = Type.String({ minLength: 1, maxLength: 2000, description: "An http(s) URL" });

function checkUrl(field: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  // The portal shows these as links: only http(s), never `javascript:` or `data:`.
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) {
    throw Errors.validation(`${field} must be an http or https URL`, [
      { field, code: "format", message: "must be an http or https URL" },
    ]);
  }
  return url.toString();
}

/**
 * `POST /portal/generate_link`: WorkOS's Admin Portal request and answer, so the WorkOS SDK's
 * `portal.generateLink({ organization, intent: "dsync" })` works against Roster unchanged.
 */
export const generateLinkRoutes: FastifyPluginAsyncTypebox<{ links: PortalLinks }> = async (app, { links }) => {
  app.post(
    "/portal/generate_link",
    {
      schema: {
        tags: ["portal"],
        description:
          "A single-use setup link (valid 5 minutes until opened) for the organization's IT admin to set up a directory; opening it starts a one-hour session limited to that organization.",
        body: Type.Object(
          {
            organization: Type.String({ pattern: idPattern("organization") }),
            intent: Type.String({ description: 'Only "dsync" (directory sync) is offered' }),
            return_url: Type.Optional(RedirectUrl),
            success_url: Type.Optional(RedirectUrl),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ link: Type.String({ description: "The setup link; its secret is shown only here" }) }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const { organization, intent, return_url, success_url } = request.body;
      if (intent !== "dsync") {
        throw Errors.validation(`Roster's setup links set up directory sync: intent must be "dsync", not "${intent}"`, [
          { field: "intent", code: "unsupported", message: 'must be "dsync"' },
        ]);
      }
      const { link, row } = await links.generate(
        {
          organizationId: organization,
          intent,
          returnUrl: checkUrl("return_url", return_url),
          successUrl: checkUrl("success_url", success_url),
        },
        scope,
        auditContextOf(request),
      );
      request.log.info(
        { link: row.id, organization: row.organization_id, expires_at: row.expires_at },
        "setup link created",
      );
      return reply.code(201).send({ link });
    },
  );
};
