import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { organizationScope } from "../auth/principal.js";
import type { Deps } from "../core/deps.js";
import { Errors } from "../core/errors.js";
import { idPattern } from "../core/ids.js";
import { createEventList } from "../events/event-list.js";
import { parseEventRange } from "../events/event-range.js";
import { EVENT_TYPES } from "../events/event-types.js";
import { requireApiPrincipal } from "../http/authenticate.js";
import { EVENT_TYPE_CATALOGUE } from "./event-type-catalogue.js";
import { errorResponses } from "./schemas/common.js";

const EventsQuery = Type.Object(
  {
    events: Type.Optional(
      Type.Array(Type.Enum([...EVENT_TYPES]), {
        maxItems: 50,
        description: "Event types, repeated (`events=a&events=b`) or comma-separated (`events=a,b`)",
      }),
    ),
    organization_id: Type.Optional(Type.String({ pattern: idPattern("organization") })),
    range_start: Type.Optional(
      Type.String({
        maxLength: 64,
        description: "ISO-8601 date or date-time, inclusive; UTC unless an offset is given",
      }),
    ),
    range_end: Type.Optional(Type.String({ maxLength: 64, description: "ISO-8601 date or date-time, exclusive" })),
    after: Type.Optional(
      Type.String({
        pattern: idPattern("event"),
        description: "An event id: list_metadata.after, or the id of the last event processed",
      }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
    order: Type.Enum(["asc", "desc"], {
      default: "asc",
      description:
        "`asc` (default): oldest first, the stream to poll. `desc`: newest first; `after` then continues with older events",
    }),
  },
  { additionalProperties: false },
);

export const EventSchema = Type.Object({
  object: Type.Literal("event"),
  id: Type.String(),
  event: Type.String(),
  data: Type.Object({}, { additionalProperties: true }),
  created_at: Type.String(),
});

const EventListSchema = Type.Object({
  object: Type.Literal("list"),
  data: Type.Array(EventSchema),
  // `before` is always null (the list envelope): the feed is read forwards only.
  list_metadata: Type.Object({ before: Type.Null(), after: Type.Union([Type.String(), Type.Null()]) }),
});

function splitList(value: unknown): unknown[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items
    .flatMap((item) => (typeof item === "string" ? item.split(",").map((part) => part.trim()) : [item]))
    .filter((item) => item !== "");
}

/**
 * `events` is accepted repeated, comma-separated (the WorkOS SDK sends `a,b`) and as
 * `events[]`; validation then sees one array and names any unknown type.
 */
async function collectEventTypes(request: FastifyRequest): Promise<void> {
  const query = request.query;
  if (typeof query !== "object" || query === null || !("events" in query || "events[]" in query)) return;
  const { events, "events[]": bracketed, ...rest } = query as Record<string, unknown>;
  request.query = { ...rest, events: [...splitList(events), ...splitList(bracketed)] };
}

const EventTypeListSchema = Type.Object({
  object: Type.Literal("list"),
  data: Type.Array(
    Type.Object({
      object: Type.Literal("event_type"),
      event: Type.Enum([...EVENT_TYPES]),
      description: Type.String(),
      data_schema: Type.Unknown({ description: "The JSON Schema of the event's data" }),
    }),
  ),
  list_metadata: Type.Object({ before: Type.Null(), after: Type.Null() }),
});

/** `GET /events`: the WorkOS Events API over the feed that never skips. */
export const eventRoutes: FastifyPluginAsyncTypebox<{ deps: Pick<Deps, "db" | "caps"> }> = async (app, { deps }) => {
  const events = createEventList(deps);

  // Static: every type with its data's JSON Schema, so a consumer can see what each event carries without reading the source.
  app.get(
    "/events/types",
    { schema: { tags: ["events"], response: { 200: EventTypeListSchema, ...errorResponses } } },
    async (request) => {
      requireApiPrincipal(request);
      return { object: "list" as const, data: [...EVENT_TYPE_CATALOGUE], list_metadata: { before: null, after: null } };
    },
  );

  app.get(
    "/events",
    {
      preValidation: collectEventTypes,
      schema: { tags: ["events"], querystring: EventsQuery, response: { 200: EventListSchema, ...errorResponses } },
    },
    async (request) => {
      const scope = organizationScope(requireApiPrincipal(request));
      const { events: types, organization_id, range_start, range_end, after, limit, order } = request.query;
      const range = parseEventRange(range_start, range_end);
      if (!range.ok) throw Errors.invalidRequest("Invalid querystring parameter", range.error);
      const page = await events.list({
        scope,
        organizationId: organization_id,
        types,
        ...range.value,
        after,
        limit,
        order,
      });
      return { object: "list" as const, data: page.data, list_metadata: { before: null, after: page.after } };
    },
  );
};
