import type { Filter } from "scim2-parse-filter";
import { createScimError } from "../errors.js";
import { containerOf, elementsOf, isObject } from "./document-paths.js";
import type { JsonObject, JsonValue, PatchOperation, PatchTarget } from "./patch-types.js";
import { matchesFilter } from "./value-filter.js";

/** The element an `eq` filter describes: `emails[type eq "work"]` → `{type: "work"}`. */
function seedFrom(filter: Filter | undefined, path: string): JsonObject {
  if (!filter) return {};
  if (filter.op === "eq" && filter.compValue !== null) return { [filter.attrPath]: filter.compValue };
  if (filter.op === "and") return Object.assign({}, ...filter.filters.map((f) => seedFrom(f, path)));
  throw createScimError(400, { detail: `No value matches "${path}" (RFC 7644 §3.5.2.3)`, scimType: "noTarget" });
}

function assignInto(element: JsonObject, target: PatchTarget, value: JsonValue): void {
  if (target.subAttribute) element[target.subAttribute.name] = structuredClone(value);
  else if (isObject(value)) Object.assign(element, structuredClone(value));
}

function removeMatched(container: JsonObject, target: PatchTarget, matched: readonly JsonObject[]): void {
  const sub = target.subAttribute;
  if (sub) {
    for (const element of matched) delete element[sub.name];
    return;
  }
  const name = target.attribute.name;
  const current = container[name];
  if (Array.isArray(current)) container[name] = current.filter((item) => !(isObject(item) && matched.includes(item)));
  else if (matched.length > 0) delete container[name];
}

function insert(container: JsonObject, target: PatchTarget, element: JsonObject): void {
  const name = target.attribute.name;
  const current = container[name];
  container[name] = target.attribute.multiValued ? [...(Array.isArray(current) ? current : []), element] : element;
}

/**
 * Applies an operation that selects complex values: a value filter (`emails[type eq "work"].value`,
 * `manager[value eq "id"]`) or a sub-attribute of every value (`emails.value`).
 *
 * When nothing matches, add AND replace create the element the filter describes: Entra sends
 * `phoneNumbers[type eq "mobile"].value` for numbers that do not exist yet and expects them created
 * (AzureAD/SCIMReferenceCode PR #48), although RFC 7644 §3.5.2.3 would answer noTarget to a replace.
 */
export function applyElementOperation(document: JsonObject, op: PatchOperation): void {
  const { target } = op;
  const container = containerOf(document, target, op.op !== "remove");
  if (!container) return;
  const elements = elementsOf(container[target.attribute.name], target.attribute.multiValued);
  const filter = target.filter;
  const matched = filter ? elements.filter((e) => matchesFilter(e, filter, target.attribute)) : elements;
  if (op.op === "remove") return removeMatched(container, target, matched);
  if (matched.length > 0) {
    for (const element of matched) assignInto(element, target, op.value);
    return;
  }
  const element = seedFrom(filter, op.path);
  assignInto(element, target, op.value);
  insert(container, target, element);
}
