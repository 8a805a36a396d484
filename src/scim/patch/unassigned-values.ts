import {
  findAttribute,
  MANAGER_ATTRIBUTE,
  resourceSchemas,
  type AttributeDefinition,
  type ScimResourceName,
} from "../schema/index.js";
import { isObject } from "./document-paths.js";
import type { JsonObject, JsonValue } from "./patch-types.js";

/** RFC 7643 §2.5: null, "", [] and {} all mean "unassigned"; they are dropped rather than stored. */
function prune(value: JsonValue): JsonValue | undefined {
  if (value === null || value === "") return undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v): v is JsonValue => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return value;
  const result = pruneObject(value);
  return Object.keys(result).length > 0 ? result : undefined;
}

function pruneObject(object: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(object)) {
    const kept = prune(item);
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}

function hasValue(element: JsonValue): boolean {
  return isObject(element) && element.value !== undefined && element.value !== null && element.value !== "";
}

/** A multi-valued value (an email, a phone number) or a manager without its `value` is meaningless: drop it. */
function dropValueless(container: JsonObject, attributes: readonly AttributeDefinition[]): void {
  for (const attribute of attributes) {
    const current = container[attribute.name];
    if (current === undefined) continue;
    if (attribute === MANAGER_ATTRIBUTE && !hasValue(current)) delete container[attribute.name];
    if (attribute.multiValued && findAttribute(attribute.subAttributes, "value") && Array.isArray(current)) {
      container[attribute.name] = current.filter(hasValue);
    }
  }
}

/** The patched document without unassigned values, empty extension objects or value-less elements. */
export function dropUnassigned(resource: ScimResourceName, document: JsonObject): JsonObject {
  const { core, extensions } = resourceSchemas(resource);
  dropValueless(document, core.attributes);
  for (const extension of extensions) {
    const container = document[extension.id];
    if (isObject(container)) dropValueless(container, extension.attributes);
  }
  return pruneObject(document);
}
