import type { FastifyReply, FastifyRequest } from "fastify";
import { createScimError } from "./errors.js";
import { type Projection, readProjection } from "./projection.js";
import { singleText } from "./request-values.js";
import { etag, versionFromEtag } from "./resource-meta.js";

/** The version If-Match names, or undefined when the client did not ask for a precondition. */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  const version = versionFromEtag(Array.isArray(header) ? header[0] : header);
  if (version === "invalid") throw createScimError(400, { detail: "If-Match must be an entity tag such as W/\"3\"", scimType: "invalidSyntax" });
  return version ?? undefined;
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
