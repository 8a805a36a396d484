import type { FastifyRequest } from "fastify";

/**
 * `onRequest` hook for routes that take no body (the DELETEs): a request that carries no body is
 * served whatever its Content-Type says. The WorkOS SDK sends `Content-Type: application/json` on
 * every request, its body-less `deleteDirectory` DELETE included, which Fastify would otherwise
 * refuse as an empty JSON body (400 `invalid_json`). A request that does carry a body is parsed
 * as before, so a malformed one is still refused.
 */
export async function ignoreContentTypeWithoutBody(request: FastifyRequest): Promise<void> {
  const { headers } = request.raw;
  const length = headers["content-length"];
  if (headers["transfer-encoding"] === undefined && (length === undefined || length === "0"))
    delete headers["content-type"];
}
