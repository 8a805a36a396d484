import { createScimError, type ScimError } from "../errors.js";

const SHOWN = 120;

/** Every filter failure is a 400 with scimType invalidFilter (RFC 7644 §3.4.2.2, §3.12). */
export function invalidFilter(detail: string, cause?: unknown): ScimError {
  return createScimError(400, { detail, scimType: "invalidFilter", cause });
}

/** User text quoted for an error detail, cut short so a huge filter never becomes a huge error. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text);
}
