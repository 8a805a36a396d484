import type { FastifyRequest } from "fastify";
import { type Projection, readProjection } from "./projection.js";
import { singleText } from "./request-values.js";

/** The projection a request's `attributes` / `excludedAttributes` query parameters ask for. */
export function projectionOf(request: FastifyRequest): Projection {
  const query = request.query as Record<string, unknown>;
  return readProjection({
    attributes: singleText("attributes", query.attributes),
    excludedAttributes: singleText("excludedAttributes", query.excludedAttributes),
  });
}
