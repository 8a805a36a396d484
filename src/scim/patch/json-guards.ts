import type { JsonObject, JsonValue } from "./patch-types.js";

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isJsonValue(value: unknown): value is JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return isPlainObject(value) && Object.values(value).every(isJsonValue);
}

/** Narrows a stored or parsed value (e.g. a row's raw attributes) to a JSON object document. */
export function isJsonObject(value: unknown): value is JsonObject {
  return isPlainObject(value) && isJsonValue(value);
}

/** Reads a key case-insensitively (RFC 7643 §2.1), preferring the exact spelling. */
export function readKey(object: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  if (Object.hasOwn(object, name)) return { present: true, value: object[name] };
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? { present: false, value: undefined } : { present: true, value: object[key] };
}
