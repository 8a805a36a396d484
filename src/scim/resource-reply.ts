import type { Readable } from "node:stream";
import type { FastifyReply, FastifyRequest } from "fastify";
import { SCIM_MEDIA_TYPE } from "./media-type.js";
import { etag } from "./resource-meta.js";

/** One rendered resource and its stored version: a user as an object, a group as an object or a stream of its members. */
export type RenderedResource = { readonly version: number } & (
  | { readonly resource: Record<string, unknown> }
  | { readonly body: Record<string, unknown> | Readable }
);

/** Sends one resource with its ETag, or 304 when If-None-Match already names this version. */
export function sendResource(request: FastifyRequest, reply: FastifyReply, status: number, rendered: RenderedResource) {
  const tag = etag(rendered.version);
  reply.header("ETag", tag);
  if (status === 200 && request.method === "GET" && request.headers["if-none-match"] === tag)
    return reply.code(304).send();
  return reply
    .code(status)
    .type(SCIM_MEDIA_TYPE)
    .send("resource" in rendered ? rendered.resource : rendered.body);
}
