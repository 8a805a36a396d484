/** One field-level problem inside an error answer. */
export interface RosterFieldError {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface RosterApiErrorInit {
  /** HTTP status; 0 when no answer arrived (network failure or timeout). */
  readonly status: number;
  readonly code: string;
  /** The server's message (or what went wrong on the way), without status and code. */
  readonly detail: string;
  readonly errors?: readonly RosterFieldError[];
  readonly requestId?: string | null;
  readonly cause?: unknown;
}

/**
 * Every failure of the SDK: an error answer of the API (`status` ≥ 400, `code` from the body) or
 * a request that got no answer (`status` 0, `code` `network_error`, `timeout`, or `aborted` when the
 * caller's AbortSignal fired; the fetch error kept as `cause`). `message` is one line a person can act on, with status and code in it.
 */
export class RosterApiError extends Error {
  override readonly name = "RosterApiError";
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: readonly RosterFieldError[];
  /** The server's `x-request-id`, to find the request in its logs. */
  readonly requestId: string | null;

  constructor(init: RosterApiErrorInit) {
    super(formatMessage(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.requestId = init.requestId ?? null;
  }
}

function formatMessage({ status, code, detail, errors = [] }: RosterApiErrorInit): string {
  const where = status > 0 ? `${status} ${code}` : code;
  const fields = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
  return `${detail} (${where})${fields ? `: ${fields}` : ""}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFieldError(value: unknown): value is RosterFieldError {
  return (
    isRecord(value) &&
    typeof value.field === "string" &&
    typeof value.code === "string" &&
    typeof value.message === "string"
  );
}

/** Builds the error from an answer's status and parsed body; a body not shaped `{code, message}` still gives a useful error. */
export function errorFromResponse(
  status: number,
  statusText: string,
  body: unknown,
  requestId: string | null,
): RosterApiError {
  if (isRecord(body) && typeof body.code === "string" && typeof body.message === "string") {
    const errors = Array.isArray(body.errors) ? body.errors.filter(isFieldError) : [];
    return new RosterApiError({ status, code: body.code, detail: body.message, errors, requestId });
  }
  return new RosterApiError({ status, code: "http_error", detail: statusText || `HTTP ${status}`, requestId });
}
