import type { JsonObject, JsonValue, PatchTarget } from "./patch-types.js";

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object holding the target attribute: the document, or its extension object (RFC 7643 §3.3). */
export function containerOf(document: JsonObject, target: PatchTarget, create: boolean): JsonObject | undefined {
  if (!target.extension) return document;
  const existing = document[target.schema];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const created: JsonObject = {};
  document[target.schema] = created;
  return created;
}

/** The complex values of an attribute: its object elements, or the single object of a singular one. */
export function elementsOf(value: JsonValue | undefined, multiValued: boolean): JsonObject[] {
  if (multiValued) return Array.isArray(value) ? value.filter(isObject) : [];
  return isObject(value) ? [value] : [];
}
