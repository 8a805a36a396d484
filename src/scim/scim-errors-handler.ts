import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError } from "../core/errors.js";
import { StoreError } from "../directory/store-errors.js";
import { STORAGE_RETRY_AFTER_SECONDS, toAppError } from "../http/error-handler.js";
import { InvalidScimRecord } from "../scim-resource/invalid-record.js";
import { createScimError, ScimError, type ScimType } from "./errors.js";
import { SCIM_MEDIA_TYPE } from "./media-type.js";
import { scimErrorOfStore } from "./store-error-mapping.js";

const SCIM_TYPE_BY_STATUS: Partial<Record<number, ScimType>> = { 400: "invalidSyntax", 409: "uniqueness" };

/** API error codes whose RFC 7644 scimType differs from the status default. */
const SCIM_TYPE_BY_CODE: Partial<Record<string, ScimType>> = {
  validation_error: "invalidValue",
  invalid_value: "invalidValue",
};

/** Anything thrown under the SCIM base becomes a SCIM Error body (RFC 7644 §3.12). */
export function toScimError(error: unknown, bodyLimit: number): ScimError {
  if (error instanceof ScimError) return error;
  if (error instanceof StoreError) return scimErrorOfStore(error);
  if (error instanceof InvalidScimRecord)
    return createScimError(400, { detail: error.detail, scimType: error.scimType, cause: error });
  const app = error instanceof AppError ? error : toAppError(error as FastifyError, bodyLimit);
  if (app.status === 503) return createScimError(503, { detail: app.message, cause: error });
  if (app.status >= 500) return createScimError(500, { detail: "Internal server error", cause: error });
  const detail = app.errors.length
    ? `${app.message}: ${app.errors.map((e) => `${e.field} ${e.message}`).join("; ")}`
    : app.message;
  const scimType = SCIM_TYPE_BY_CODE[app.code] ?? SCIM_TYPE_BY_STATUS[app.status];
  return createScimError(app.status === 422 ? 400 : app.status, {
    detail,
    ...(scimType ? { scimType } : {}),
    cause: error,
  });
}

export function sendScimError(reply: FastifyReply, error: ScimError): FastifyReply {
  reply.request.scimErrorDetail = error.detail;
  if (error.status === 401) reply.header("WWW-Authenticate", 'Bearer realm="roster-scim"');
  if (error.status === 503) reply.header("Retry-After", String(STORAGE_RETRY_AFTER_SECONDS));
  return reply.code(error.status).type(SCIM_MEDIA_TYPE).send(error.toBody());
}

export function createScimErrorHandler(bodyLimit: number) {
  return function scimErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const scimError = toScimError(error, bodyLimit);
    request.scimErrorDetail = scimError.detail;
    if (scimError.status >= 500) request.log.error({ err: error }, "SCIM request failed");
    return sendScimError(reply, scimError);
  };
}
