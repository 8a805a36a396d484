/** One field-level problem inside an error answer. */
export interface FieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/**
 * The one error type of Roster: a stable `code`, an HTTP status and a message a person can act
 * on. Adapters map it to their wire format (JSON `{code, message, errors}` or a SCIM Error).
 */
export class AppError extends Error {
  override readonly name = "AppError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: readonly FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The catalogue of the errors more than one part of Roster answers with, by stable code. An error
 * only one service can answer (a state that forbids one change: `directory_deleted`,
 * `sync_in_progress`, `endpoint_disabled`, the directory store's `store-errors.ts`, …) is made where
 * it arises with `new AppError(status, code, message)`; `grep -rn "new AppError" src` lists them.
 * Either way the code is the contract: a code once answered keeps its meaning and status.
 */
export const Errors = {
  invalidRequest: (message: string, errors: readonly FieldError[] = []) =>
    new AppError(400, "invalid_request", message, errors),
  invalidJson: (message: string) => new AppError(400, "invalid_json", message),
  unauthorized: (message = "Missing or invalid bearer credential") => new AppError(401, "unauthorized", message),
  forbidden: (message = "This key may not perform this action") => new AppError(403, "forbidden", message),
  notFound: (what: string, id?: string) =>
    new AppError(404, "not_found", id ? `${what} ${id} not found` : `${what} not found`),
  routeNotFound: (method: string, url: string) => new AppError(404, "route_not_found", `No route ${method} ${url}`),
  methodNotAllowed: (method: string, path: string, allowed: readonly string[]) =>
    new AppError(405, "method_not_allowed", `${method} is not allowed on ${path}; it answers ${allowed.join(", ")}`),
  conflict: (message: string) => new AppError(409, "conflict", message),
  payloadTooLarge: (limit: number) =>
    new AppError(413, "payload_too_large", `Request body exceeds the limit of ${limit} bytes`),
  unsupportedMediaType: (type: string, accepted: readonly string[]) =>
    new AppError(
      415,
      "unsupported_media_type",
      `${type ? `Content-Type ${type} is not accepted here` : "The body has no Content-Type"}; send ${accepted.join(" or ")}`,
    ),
  /** A value the store cannot keep as sent (too long, too many values, unstorable characters): 400, whatever the door. */
  invalidValue: (message: string, errors: readonly FieldError[] = []) =>
    new AppError(400, "invalid_value", message, errors),
  unstorableText: (where: string, field: string) =>
    new AppError(
      400,
      "invalid_value",
      `The ${where} holds U+0000 or an unpaired surrogate at ${field}, which Roster does not store`,
      [{ field, code: "invalid_characters", message: "holds U+0000 or an unpaired surrogate" }],
    ),
  validation: (message: string, errors: readonly FieldError[]) =>
    new AppError(422, "validation_error", message, errors),
  rateLimited: (retryAfterSeconds: number) =>
    new AppError(429, "rate_limit_exceeded", `Rate limit exceeded; retry in ${retryAfterSeconds} s`),
  internal: (cause: unknown) => new AppError(500, "internal_error", "Internal server error", [], { cause }),
  /** The database's condition (full, read-only, unreachable): answered with Retry-After. */
  storageUnavailable: (message: string, cause: unknown) =>
    new AppError(503, "storage_unavailable", message, [], { cause }),
} as const;
