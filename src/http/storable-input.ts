import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { Errors } from "../core/errors.js";
import { findUnstorableText } from "../core/storable-text.js";

/**
 * `preValidation` hook: a path, query string or JSON body holding U+0000 or an unpaired surrogate
 * is the client's mistake, refused with 400 on every backend before any route reads it (PostgreSQL
 * would otherwise fail the query, or keep a row that breaks later JSON filters). A text body (a CSV
 * upload) is a connector's input: its records are checked one by one, and a bad one alone fails.
 */
export function refuseUnstorableText(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const parts = [
    ["path", request.params],
    ["query string", request.query],
    ["body", typeof request.body === "object" ? request.body : undefined],
  ] as const;
  for (const [where, value] of parts) {
    const field = findUnstorableText(value);
    if (field !== null) return done(Errors.unstorableText(where, field));
  }
  done();
}
