import {
  type AttributeDefinition,
  canonicalAttributeName,
  findAttribute,
  findExtensionSchema,
  type ScimResourceName,
} from "../schema/index.js";
import { isObject } from "./document-paths.js";
import type { JsonObject, JsonValue } from "./patch-types.js";

function put(result: JsonObject, key: string, canonical: string, value: JsonValue): void {
  // An own "__proto__" key (possible after JSON.parse) would become the draft's prototype.
  if (canonical === "__proto__") return;
  // When a document holds two spellings of one attribute, the canonical spelling wins.
  if (key !== canonical && Object.hasOwn(result, canonical)) return;
  result[canonical] = value;
}

function canonicalObject(object: JsonObject, attributes: readonly AttributeDefinition[] | undefined): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const attribute = findAttribute(attributes, key);
    put(result, key, attribute?.name ?? key, attribute ? canonicalValue(attribute, value) : value);
  }
  return result;
}

function canonicalValue(attribute: AttributeDefinition, value: JsonValue): JsonValue {
  if (attribute.type !== "complex") return value;
  if (Array.isArray(value))
    return value.map((item) => (isObject(item) ? canonicalObject(item, attribute.subAttributes) : item));
  return isObject(value) ? canonicalObject(value, attribute.subAttributes) : value;
}

/**
 * RFC 7643 §2.1: attribute names are case-insensitive, and documents stored from IdP bodies may
 * spell them `Active` or `Emails[].Value`. Known keys are renamed to their canonical spelling
 * before patching so that an operation never leaves two spellings of one attribute behind.
 */
export function canonicalDocument(resource: ScimResourceName, document: JsonObject): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(document)) {
    const extension = findExtensionSchema(resource, key);
    if (extension) {
      put(result, key, extension.id, isObject(value) ? canonicalObject(value, extension.attributes) : value);
      continue;
    }
    const resolved = canonicalAttributeName(resource, key);
    const attribute = resolved && !resolved.extension && !resolved.subAttribute ? resolved.attribute : undefined;
    put(result, key, attribute?.name ?? key, attribute ? canonicalValue(attribute, value) : value);
  }
  return result;
}
