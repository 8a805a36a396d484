import { createScimError } from "./errors.js";

/** Entra sends `"True"`/`"False"`, OneLogin `"{$user.active}"` renders as `"true"`: read them as booleans. */
export function readBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  throw createScimError(400, { detail: `${attribute} must be a boolean`, scimType: "invalidValue" });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** RFC 7643 §2.5: null and "" mean "unassigned"; drop them so they never shadow stored values. */
export function isUnassigned(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

export function optionalString(value: unknown, attribute: string): string | null {
  if (isUnassigned(value)) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw createScimError(400, { detail: `${attribute} must be a string`, scimType: "invalidValue" });
}
