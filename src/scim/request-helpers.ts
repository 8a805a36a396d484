import type { FastifyReply, FastifyRequest } from "fastify";
import { createScimError } from "./errors.js";
import { type Projection, readProjection } from "./projection.js";
import { readIfMatch } from "./if-match.js";
import { singleText } from "./request-values.js";
import { etag } from "./resource-meta.js";

/** The version If-Match names, or undefined when the client did not ask for a precondition (see `readIfMatch`). */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  const ifMatch = readIfMatch(Array.isArray(header) ? header.join(", ") : header);
  if (!ifMatch.ok) throw createScimError(400, { detail: ifMatch.detail, ...(ifMatch.malformed ? { scimType: "invalidSyntax" as const } : {}) });
  return ifMatch.version;
}

export function projectionOf(request: FastifyRequest): Projection {
  const query = request.query as Record<string, unknown>;
  return readProjection({ attributes: singleText("attributes", query.attributes), excludedAttributes: singleText("excludedAttributes", query.excludedAttributes) });
}

/** Sends one resource with its ETag, or 304 when If-None-Match already names this version. */
export function sendResource(request: FastifyRequest, reply: FastifyReply, status: number, rendered: { resource: Record<string, unknown>; version: number }) {
  const tag = etag(rendered.version);
  reply.header("ETag", tag);
  if (status === 200 && request.method === "GET" && request.headers["if-none-match"] === tag) return reply.code(304).send();
  return reply.code(status).send(rendered.resource);
}
