import { InvalidScimRecord } from "./invalid-record.js";
import { isUnassigned } from "./unassigned.js";

/** Entra sends `"True"`/`"False"`, OneLogin `"{$user.active}"` renders as `"true"`: read them as booleans. */
export function readBoolean(value: unknown, attribute: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const lower = value.trim().toLowerCase();
    if (lower === "true") return true;
    if (lower === "false") return false;
  }
  throw new InvalidScimRecord(`${attribute} must be a boolean`);
}

/** A string attribute, with numbers and booleans some IdPs send in its place read as their text. */
export function optionalString(value: unknown, attribute: string): string | null {
  if (isUnassigned(value)) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new InvalidScimRecord(`${attribute} must be a string`);
}
