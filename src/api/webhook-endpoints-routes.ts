import { auditContextOf } from "../audit/audit-entry.js";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import { Errors } from "../core/errors.js";
import { idPattern } from "../core/ids.js";
import { EVENT_TYPES } from "../events/event-types.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import type { DeliveryLog } from "../webhooks/delivery-log.js";
import type { WebhookEndpointService } from "../webhooks/endpoint-service.js";
import { parseIsoInstant } from "../events/iso-instant.js";
import { REPLAY_LIMIT } from "../webhooks/delivery-replay.js";
import { TEST_EVENT_TYPE, type WebhookTester } from "../webhooks/test-delivery.js";
import { Nullable, errorResponses, listEnvelope, listQuery, pageOf, toList } from "./schemas/common.js";
import { ignoreContentTypeWithoutBody } from "./bodiless.js";

const Url = Type.String({ minLength: 1, maxLength: 2048 });
const EventTypes = Type.Array(Type.Enum([...EVENT_TYPES]), {
  maxItems: EVENT_TYPES.length * 2,
  description: "Event types to receive; empty: all",
});
const PrivateNetwork = Type.Boolean({
  description: "Admin key only: let the endpoint reach private addresses although ROSTER_OUTBOUND_PRIVATE refuses them",
});
const EndpointParams = Type.Object({ id: Type.String({ pattern: idPattern("webhookEndpoint") }) });
const DeliveryParams = Type.Object({
  id: Type.String({ pattern: idPattern("webhookEndpoint") }),
  deliveryId: Type.String({ pattern: idPattern("delivery") }),
});

const EndpointSchema = Type.Object({
  object: Type.Literal("webhook_endpoint"),
  id: Type.String(),
  organization_id: Nullable(Type.String()),
  url: Type.String(),
  endpoint_url: Type.String(),
  events: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  private_network: Type.Boolean({
    description:
      "May reach private, loopback and link-local addresses although ROSTER_OUTBOUND_PRIVATE refuses them; set by the admin key only",
  }),
  disabled_reason: Nullable(Type.String()),
  disabled_at: Nullable(Type.String()),
  secret: Type.Optional(Type.String({ description: "Shown only in the answer that created the endpoint" })),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const AttemptSchema = Type.Object({
  object: Type.Literal("webhook_attempt"),
  id: Type.String(),
  attempt: Type.Integer(),
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Number(),
  response_excerpt: Nullable(Type.String({ description: "At most 1 KiB of the receiver's answer" })),
  error: Nullable(Type.String()),
  started_at: Type.String(),
  finished_at: Type.String(),
});

const DeliveryState = Type.Enum(["pending", "succeeded", "failed"]);

const DeliverySchema = Type.Object({
  object: Type.Literal("webhook_delivery"),
  id: Type.String(),
  endpoint_id: Type.String(),
  event_id: Type.String(),
  event: Type.String(),
  state: DeliveryState,
  attempt_count: Type.Integer(),
  next_attempt_at: Nullable(Type.String()),
  delivered_at: Nullable(Type.String()),
  last_status_code: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  attempts: Type.Array(AttemptSchema),
  created_at: Type.String(),
  updated_at: Type.String(),
});

const WebhookTestSchema = Type.Object({
  object: Type.Literal("webhook_test"),
  endpoint_id: Type.String(),
  url: Type.String(),
  event: Type.Object({
    id: Type.String({ description: "A fresh event id, also the webhook-id header; not in the event feed" }),
    event: Type.Literal(TEST_EVENT_TYPE),
    data: Type.Object({ webhook_endpoint_id: Type.String() }),
    created_at: Type.String(),
  }),
  delivered: Type.Boolean({ description: "The receiver answered 2xx within 10 s" }),
  status_code: Nullable(Type.Integer()),
  latency_ms: Type.Number(),
  response_excerpt: Nullable(Type.String({ description: "At most 1 KiB of the receiver's answer" })),
  error: Nullable(Type.String()),
});

const ReplayBody = Type.Object(
  {
    status: Type.Union([Type.Literal("failed"), Type.Literal("succeeded")], {
      description:
        "`failed`: deliveries that gave up and those waiting on a backoff after a failed attempt; `succeeded`: deliveries the receiver took (and lost)",
    }),
    since: Type.Optional(
      Type.String({
        maxLength: 64,
        description: "ISO-8601; deliveries created at or after it (UTC unless an offset is given)",
      }),
    ),
    until: Type.Optional(Type.String({ maxLength: 64, description: "ISO-8601; deliveries created before it" })),
    dry_run: Type.Optional(
      Type.Boolean({
        description: "Count the deliveries the replay would send again (`matched`, every one of them), and send none",
      }),
    ),
  },
  { additionalProperties: false },
);

const ReplaySchema = Type.Object({
  object: Type.Literal("webhook_replay"),
  endpoint_id: Type.String(),
  replayed: Type.Integer({ minimum: 0, description: "Deliveries this request made pending and due now" }),
  has_more: Type.Boolean({
    description: `More than ${REPLAY_LIMIT} matched: send the same request again for the next ones`,
  }),
  dry_run: Type.Boolean({ description: "The request was a dry run: nothing was sent again" }),
  matched: Type.Optional(
    Type.Integer({
      minimum: 0,
      description:
        "Dry runs only: how many deliveries the same request without dry_run would send again, in all (over as many calls as has_more asks)",
    }),
  ),
});

/** `since`/`until` as stored UTC text, or a 422 naming the field. */
function replayRange(body: { since?: string | undefined; until?: string | undefined }): {
  since?: string;
  until?: string;
} {
  const range: { since?: string; until?: string } = {};
  for (const field of ["since", "until"] as const) {
    const text = body[field];
    if (text === undefined) continue;
    const parsed = parseIsoInstant(text);
    if (!parsed.ok)
      throw Errors.validation(`${field} ${parsed.error}`, [{ field, code: "format", message: parsed.error }]);
    range[field] = parsed.value;
  }
  if (range.since !== undefined && range.until !== undefined && range.since > range.until) {
    throw Errors.validation("until is earlier than since", [
      { field: "until", code: "range", message: "is earlier than since" },
    ]);
  }
  return range;
}

/** `url` or its WorkOS alias `endpoint_url`: one is required, and two must agree. */
function urlOf(
  body: { url?: string | undefined; endpoint_url?: string | undefined },
  required: boolean,
): string | undefined {
  const { url, endpoint_url: alias } = body;
  if (url !== undefined && alias !== undefined && url !== alias) {
    throw Errors.validation("url and endpoint_url differ", [
      { field: "endpoint_url", code: "conflict", message: "must equal url when both are given" },
    ]);
  }
  const value = url ?? alias;
  if (required && value === undefined)
    throw Errors.validation("url is required", [{ field: "url", code: "required", message: "is required" }]);
  return value;
}

/** `/webhook_endpoints` and their delivery log. */
export const webhookEndpointRoutes: FastifyPluginAsyncTypebox<{
  endpoints: WebhookEndpointService;
  deliveries: DeliveryLog;
  tester: WebhookTester;
}> = async (app, { endpoints, deliveries, tester }) => {
  const tags = ["webhooks"];

  app.post(
    "/webhook_endpoints",
    {
      schema: {
        tags,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            endpoint_url: Type.Optional(Url),
            events: Type.Optional(EventTypes),
            organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
            private_network: Type.Optional(PrivateNetwork),
          },
          { additionalProperties: false },
        ),
        response: { 201: EndpointSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const url = urlOf(request.body, true) ?? "";
      const created = await endpoints.create(
        {
          url,
          events: request.body.events ?? [],
          organizationId: request.body.organization_id ?? null,
          privateNetwork: request.body.private_network,
        },
        scope,
        auditContextOf(request),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    "/webhook_endpoints",
    {
      schema: {
        tags,
        querystring: listQuery(idPattern("webhookEndpoint"), {
          organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
        }),
        response: { 200: listEnvelope(EndpointSchema), ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      return toList(
        await endpoints.list({ scope, organizationId: request.query.organization_id }, pageOf(request.query)),
      );
    },
  );

  app.get(
    "/webhook_endpoints/:id",
    { schema: { tags, params: EndpointParams, response: { 200: EndpointSchema, ...errorResponses } } },
    async (request) => endpoints.get(request.params.id, organizationScope(requireApiPrincipal(request))),
  );

  app.patch(
    "/webhook_endpoints/:id",
    {
      schema: {
        tags,
        params: EndpointParams,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            endpoint_url: Type.Optional(Url),
            events: Type.Optional(EventTypes),
            enabled: Type.Optional(Type.Boolean()),
            private_network: Type.Optional(PrivateNetwork),
          },
          { additionalProperties: false },
        ),
        response: { 200: EndpointSchema, ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      return endpoints.update(
        request.params.id,
        scope,
        {
          url: urlOf(request.body, false),
          events: request.body.events,
          enabled: request.body.enabled,
          privateNetwork: request.body.private_network,
        },
        auditContextOf(request),
      );
    },
  );

  app.delete(
    "/webhook_endpoints/:id",
    {
      onRequest: ignoreContentTypeWithoutBody,
      schema: { tags, params: EndpointParams, response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      await endpoints.remove(
        request.params.id,
        organizationScope(requireApiPrincipal(request)),
        auditContextOf(request),
      );
      return reply.code(204).send(null);
    },
  );

  // A signed `webhook.test` event sent now; nothing recorded, so 200 whatever the receiver answered (`delivered` says).
  app.post(
    "/webhook_endpoints/:id/test",
    { schema: { tags, params: EndpointParams, response: { 200: WebhookTestSchema, ...errorResponses } } },
    async (request) => tester.send(request.params.id, organizationScope(requireApiPrincipal(request))),
  );

  app.get(
    "/webhook_endpoints/:id/deliveries",
    {
      schema: {
        tags,
        params: EndpointParams,
        querystring: listQuery(idPattern("delivery"), {
          state: Type.Optional(DeliveryState),
          event_id: Type.Optional(Type.String({ pattern: idPattern("event") })),
        }),
        response: { 200: listEnvelope(DeliverySchema), ...errorResponses },
      },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const { state, event_id } = request.query;
      return toList(
        await deliveries.list(request.params.id, scope, { state, eventId: event_id }, pageOf(request.query)),
      );
    },
  );

  app.get(
    "/webhook_endpoints/:id/deliveries/:deliveryId",
    { schema: { tags, params: DeliveryParams, response: { 200: DeliverySchema, ...errorResponses } } },
    async (request) =>
      deliveries.get(request.params.id, request.params.deliveryId, organizationScope(requireApiPrincipal(request))),
  );

  app.post(
    "/webhook_endpoints/:id/deliveries/replay",
    {
      schema: {
        tags,
        summary: "Send an endpoint's failed (or succeeded) deliveries of a time range again, oldest event first",
        params: EndpointParams,
        body: ReplayBody,
        response: { 200: ReplaySchema, 202: ReplaySchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const range = replayRange(request.body);
      const scope = organizationScope(requireApiPrincipal(request));
      const replay = { status: request.body.status, ...range };
      const answer = { object: "webhook_replay" as const, endpoint_id: request.params.id };
      if (request.body.dry_run === true) {
        const matched = await deliveries.countReplayable(request.params.id, scope, replay);
        return reply.code(200).send({ ...answer, replayed: 0, has_more: false, dry_run: true, matched });
      }
      const result = await deliveries.replay(request.params.id, scope, replay);
      return reply.code(202).send({ ...answer, replayed: result.replayed, has_more: result.hasMore, dry_run: false });
    },
  );

  app.post(
    "/webhook_endpoints/:id/deliveries/:deliveryId/retry",
    { schema: { tags, params: DeliveryParams, response: { 202: DeliverySchema, ...errorResponses } } },
    async (request, reply) =>
      reply
        .code(202)
        .send(
          await deliveries.retry(
            request.params.id,
            request.params.deliveryId,
            organizationScope(requireApiPrincipal(request)),
          ),
        ),
  );
};
