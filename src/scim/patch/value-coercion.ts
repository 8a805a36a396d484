import { createScimError } from "../errors.js";
import { type AttributeDefinition, findAttribute, MANAGER_ATTRIBUTE, MEMBERS_ATTRIBUTE } from "../schema/index.js";
import { isPlainObject } from "./json-guards.js";
import type { JsonObject, JsonValue } from "./patch-types.js";
import { managerShape, membersShape } from "./special-shapes.js";

const BOOLEAN_TEXT = /^\s*(true|false)\s*$/i;
// RFC 7643 §2.3.5: xsd:dateTime.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function invalidValue(path: string, expected: string) {
  return createScimError(400, {
    detail: `Invalid value for "${path}": expected ${expected}`,
    scimType: "invalidValue",
  });
}

function coerceString(definition: AttributeDefinition, raw: unknown, path: string): string | undefined {
  if (typeof raw !== "string")
    throw invalidValue(path, definition.type === "string" ? "a string" : `a ${definition.type} string`);
  if (raw === "") return undefined;
  if (definition.type === "dateTime" && !(DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw))))
    throw invalidValue(path, "an xsd:dateTime");
  return raw;
}

/** RFC 7643 §2.3.2 booleans are JSON literals; Entra and OneLogin send "True"/"False" strings. */
function coerceBoolean(raw: unknown, path: string): boolean | undefined {
  if (typeof raw === "boolean") return raw;
  if (raw === "") return undefined;
  const match = typeof raw === "string" ? BOOLEAN_TEXT.exec(raw) : null;
  if (!match?.[1]) throw invalidValue(path, "a boolean");
  return match[1].toLowerCase() === "true";
}

function coerceNumber(definition: AttributeDefinition, raw: unknown, path: string): number {
  const ok =
    typeof raw === "number" && Number.isFinite(raw) && (definition.type === "decimal" || Number.isInteger(raw));
  if (!ok) throw invalidValue(path, `a JSON ${definition.type}`);
  return raw;
}

/** Sub-attributes by canonical name; unknown and readOnly ones are ignored (RFC 7644 §3.5.1). */
function coerceComplex(definition: AttributeDefinition, raw: unknown, path: string): JsonObject | undefined {
  if (!isPlainObject(raw)) throw invalidValue(path, "a complex value (JSON object)");
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(raw)) {
    const sub = findAttribute(definition.subAttributes, key);
    if (!sub || sub.mutability === "readOnly") continue;
    const value = coerceValue(sub, item, `${path}.${sub.name}`);
    if (value !== undefined) result[sub.name] = value;
  }
  if (definition === MANAGER_ATTRIBUTE && result.value === undefined) return undefined;
  return Object.keys(result).length > 0 ? result : undefined;
}

/** One value of `definition` (an element when the attribute is multi-valued); undefined means unassigned. */
export function coerceSingleValue(definition: AttributeDefinition, raw: unknown, path: string): JsonValue | undefined {
  if (raw === null || raw === undefined) return undefined;
  switch (definition.type) {
    case "boolean":
      return coerceBoolean(raw, path);
    case "integer":
    case "decimal":
      return coerceNumber(definition, raw, path);
    case "complex":
      return coerceComplex(definition, definition === MANAGER_ATTRIBUTE ? managerShape(raw) : raw, path);
    default:
      return coerceString(definition, raw, path);
  }
}

/** A group member must name a user id; a member without one is refused, not silently dropped. */
function coerceMember(definition: AttributeDefinition, raw: unknown, path: string): JsonValue | undefined {
  const member = coerceSingleValue(definition, raw, path);
  if (raw !== null && raw !== "" && !(isPlainObject(member) && typeof member.value === "string"))
    throw invalidValue(path, 'members with a "value" id');
  return member;
}

/**
 * A whole attribute value coerced to its definition: string booleans become booleans, complex keys
 * take their canonical spelling, a lone object for a multi-valued attribute becomes a one-element
 * array. null, "", [] and {} are unassigned (RFC 7643 §2.5) and return undefined.
 */
export function coerceValue(definition: AttributeDefinition, raw: unknown, path: string): JsonValue | undefined {
  if (!definition.multiValued) return coerceSingleValue(definition, raw, path);
  const shaped = definition === MEMBERS_ATTRIBUTE ? membersShape(raw) : raw;
  if (shaped === null || shaped === undefined || shaped === "") return undefined;
  const items = Array.isArray(shaped) ? shaped : [shaped];
  const coerceItem = definition === MEMBERS_ATTRIBUTE ? coerceMember : coerceSingleValue;
  const values = items.map((item) => coerceItem(definition, item, path)).filter((v): v is JsonValue => v !== undefined);
  return values.length > 0 ? values : undefined;
}
