import type { FastifyInstance, FastifyRequest } from "fastify";
import { Errors } from "../core/errors.js";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./json-depth.js";

type ParserDone = (err: Error | null, body?: unknown) => void;

/**
 * The JSON body parser of every JSON media type: Fastify's own (which refuses `__proto__` and
 * `constructor.prototype` keys), behind a nesting bound checked on the text before parsing.
 */
export function createJsonBodyParser(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser("error", "error");
  return function parseJsonBody(request: FastifyRequest, body: string | Buffer, done: ParserDone): void {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH))
      return done(Errors.invalidJson(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`));
    parse(request, text, done);
  };
}
