/** RFC 7644 §3.12, Table 9, plus RFC 9865's cursor errors: exactly the scimType values the RFCs define. */
export type ScimType =
  | "invalidFilter"
  | "tooMany"
  | "uniqueness"
  | "mutability"
  | "invalidSyntax"
  | "invalidPath"
  | "noTarget"
  | "invalidValue"
  | "invalidVers"
  | "sensitive"
  // RFC 9865 §5 (cursor pagination)
  | "invalidCursor"
  | "expiredCursor";

export const SCIM_ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

/** A SCIM protocol error: rendered with the Error schema, `status` as a string. */
export class ScimError extends Error {
  override readonly name = "ScimError";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }

  toBody(): { schemas: string[]; status: string; scimType?: ScimType; detail: string } {
    return {
      schemas: [SCIM_ERROR_SCHEMA],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export function createScimError(
  status: number,
  options: { detail: string; scimType?: ScimType; cause?: unknown },
): ScimError {
  return new ScimError(status, options.detail, options.scimType, { cause: options.cause });
}
