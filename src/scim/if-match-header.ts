import type { FastifyRequest } from "fastify";
import { createScimError } from "./errors.js";
import { readIfMatch } from "./if-match.js";

/** The version a request's If-Match names, or undefined when the client did not ask for a precondition (see `readIfMatch`). */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers["if-match"];
  const ifMatch = readIfMatch(Array.isArray(header) ? header.join(", ") : header);
  if (!ifMatch.ok)
    throw createScimError(400, {
      detail: ifMatch.detail,
      ...(ifMatch.malformed ? { scimType: "invalidSyntax" as const } : {}),
    });
  return ifMatch.version;
}
