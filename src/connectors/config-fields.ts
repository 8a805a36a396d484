import type { FieldError } from "../core/errors.js";

/** A connector object checked: the settings, or every problem named by field (`connector.…`). */
export type CheckedConfig<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

export interface HttpUrlField {
  /** `connector.base_url`, `connector.org_url`, … */
  readonly field: string;
  /** What the setting is, for a missing one: "the upstream SCIM base URL". */
  readonly what: string;
  /** Where the credential goes instead of the URL: "the bearer token". */
  readonly credential: string;
  /** What is appended to the URL, why it may not carry a query: "resource paths and list parameters". */
  readonly appended: string;
}

/** A connector's http(s) base URL: required, without credentials (they would be stored unsealed), query or fragment. */
export function checkHttpUrl(value: unknown, spec: HttpUrlField): FieldError | null {
  const { field } = spec;
  if (typeof value !== "string" || value.trim() === "")
    return { field, code: "required", message: `is required: ${spec.what}` };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { field, code: "invalid_url", message: `"${value}" is not a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return { field, code: "invalid_url", message: "must be an http or https URL" };
  // Credentials in the URL would be stored and shown unencrypted; the token field is sealed.
  if (url.username || url.password)
    return { field, code: "invalid_url", message: `must not carry credentials: put ${spec.credential} in token` };
  if (url.search || url.hash)
    return {
      field,
      code: "invalid_url",
      message: `must not have a ?query or #fragment: ${spec.appended} are appended to it`,
    };
  return null;
}

/** An optional integer setting within `range`. */
export function checkInteger(
  field: string,
  value: unknown,
  range: { readonly min: number; readonly max: number },
): FieldError | null {
  if (value === undefined) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    return { field, code: "out_of_range", message: `must be an integer from ${range.min} to ${range.max}` };
  }
  return null;
}
