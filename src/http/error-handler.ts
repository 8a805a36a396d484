import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { AppError, Errors, type FieldError } from "../core/errors.js";
import { StoreError } from "../directory/store-errors.js";
import { storageUnavailable } from "../storage/storage-unavailable.js";

interface AjvIssue {
  instancePath?: string;
  keyword: string;
  message?: string;
  params?: Record<string, unknown>;
}

function fieldOf(issue: AjvIssue): string {
  const base = (issue.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".");
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  return [base, typeof extra === "string" ? extra : ""].filter(Boolean).join(".") || "(root)";
}

function toFieldErrors(issues: readonly AjvIssue[]): FieldError[] {
  return issues.map((issue) => ({
    field: fieldOf(issue),
    code: issue.keyword === "additionalProperties" ? "unknown_field" : issue.keyword,
    message: issue.keyword === "additionalProperties" ? "is not a known field" : (issue.message ?? "is invalid"),
  }));
}

/** A store failure as the API answers it: the store's code with an HTTP status. */
export function appErrorOfStore(error: StoreError): AppError {
  const status = { not_found: 404, version_mismatch: 412, uniqueness: 409, unknown_members: 400 }[error.code];
  return new AppError(status, error.code === "uniqueness" ? "conflict" : error.code, error.message, [], {
    cause: error,
  });
}

/** What a 503 for the database's condition asks clients to wait before retrying. */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

/** Maps anything thrown while serving a request to Roster's error catalogue. */
export function toAppError(
  error: FastifyError & { validation?: AjvIssue[]; validationContext?: string },
  bodyLimit: number,
): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof StoreError) return appErrorOfStore(error);
  if (error.validation) {
    const errors = toFieldErrors(error.validation);
    const where = error.validationContext ?? "request";
    if (where === "body") return Errors.validation("The request body is invalid", errors);
    return Errors.invalidRequest(where === "params" ? "Invalid path parameter" : `Invalid ${where} parameter`, errors);
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return Errors.payloadTooLarge(bodyLimit);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      // The media-type rule (media-types.ts) answers first, naming what the route reads; this is its fallback.
      return new AppError(415, "unsupported_media_type", "This Content-Type is not accepted here");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return Errors.invalidJson("The body is empty but Content-Type says JSON");
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return Errors.invalidRequest("Content-Length does not match the body");
  }
  if (error instanceof SyntaxError || error.code === "FST_ERR_CTP_INVALID_JSON_BODY")
    return Errors.invalidJson(`Malformed JSON: ${error.message}`);
  if (error.statusCode === 429) return Errors.rateLimited(Number(error.message.match(/\d+/)?.[0] ?? 1));
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return new AppError(error.statusCode, "invalid_request", error.message);
  const unavailable = storageUnavailable(error);
  if (unavailable) return Errors.storageUnavailable(unavailable.message, error);
  return Errors.internal(error);
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body: { code: string; message: string; errors?: readonly FieldError[] } = {
    code: error.code,
    message: error.message,
  };
  if (error.errors.length > 0) body.errors = error.errors;
  if (error.status === 401) reply.header("WWW-Authenticate", 'Bearer realm="roster"');
  if (error.status === 503) reply.header("Retry-After", String(STORAGE_RETRY_AFTER_SECONDS));
  return reply.code(error.status).type("application/json").send(body);
}

export function createErrorHandler(bodyLimit: number) {
  return function rosterErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const appError = toAppError(error, bodyLimit);
    if (appError.status >= 500) request.log.error({ err: error }, "request failed");
    return sendError(reply, appError);
  };
}
