import type { FastifyReply, FastifyRequest, RequestPayload, RouteOptions } from "fastify";
import { Errors } from "../core/errors.js";

/**
 * The one content-type rule of the whole API: a request that carries a body says what it is, and
 * only the types its route reads are accepted (parameters such as `charset` aside). JSON routes read
 * `application/json` (SCIM routes `application/scim+json` too), the CSV upload `text/csv` alone;
 * anything else is a 415 naming what the route accepts, before a byte is parsed.
 */
export const JSON_MEDIA_TYPES: readonly string[] = Object.freeze(["application/json"]);

declare module "fastify" {
  interface FastifyContextConfig {
    /** The media types this route's body may have (default: the app's JSON types). */
    accepts?: readonly string[];
  }
}

/** `application/json` of `Application/JSON; charset=utf-8`; "" when there is no header. */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? "").split(";", 1)[0]?.trim().toLowerCase() ?? "";
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function carriesBody(request: FastifyRequest): boolean {
  const { headers } = request.raw;
  const length = headers["content-length"];
  return (
    BODY_METHODS.has(request.method) &&
    (headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0"))
  );
}

/** `preParsing` hook applying the rule; `fallback` is what routes without `config.accepts` read. */
export function acceptMediaTypes(fallback: readonly string[]) {
  return function requireAcceptedMediaType(
    request: FastifyRequest,
    _reply: FastifyReply,
    payload: RequestPayload,
    done: (err: Error | null, payload?: RequestPayload) => void,
  ) {
    // An unknown route answers 404 (or 405) whatever its body is.
    if (request.is404 || !carriesBody(request)) return done(null, payload);
    const accepted = request.routeOptions.config.accepts ?? fallback;
    const type = mediaTypeOf(request.headers["content-type"]);
    if (!accepted.includes(type)) return done(Errors.unsupportedMediaType(type, accepted));
    done(null, payload);
  };
}

/** `onRoute` hook making `accepted` the default of every route a plugin registers (the SCIM base). */
export function defaultMediaTypes(accepted: readonly string[]) {
  return function setDefaultMediaTypes(route: RouteOptions) {
    route.config = { accepts: accepted, ...(route.config ?? {}) };
  };
}
