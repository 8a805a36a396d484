import type { Compare, Filter } from "scim2-parse-filter";
import { MEMBERS_ATTRIBUTE } from "../schema/index.js";
import { isPlainObject } from "./json-guards.js";
import { memberFilterIds } from "./member-ids.js";
import { checkMembersTarget, checkRemovable, isWritable } from "./operation-rules.js";
import { renderPath } from "./patch-path.js";
import type { JsonValue, PatchOperation, PatchTarget } from "./patch-types.js";
import { coerceValue } from "./value-coercion.js";

function isPrimitive(value: JsonValue): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** A filter matching one listed element: by its `value` when it has one, else by all its simple sub-attributes. */
function elementFilter(element: JsonValue): Filter | undefined {
  if (!isPlainObject(element)) return undefined;
  const value = element.value;
  const entries = value !== undefined && isPrimitive(value) ? [["value", value] as const] : Object.entries(element);
  const terms: Compare[] = entries.flatMap(([attrPath, compValue]) =>
    isPrimitive(compValue) ? [{ op: "eq" as const, attrPath, compValue }] : [],
  );
  if (terms.length <= 1) return terms[0];
  return { op: "and", filters: terms };
}

/**
 * Entra removes members with `{"op":"Remove","path":"members","value":[{"value":"id"}]}`. By RFC
 * 7644 §3.5.2.2 a remove without filter clears the attribute; Entra means "remove these", so a
 * remove that carries a value removes exactly the listed values and never clears the attribute.
 */
function listedValuesFilter(target: PatchTarget, raw: unknown): Filter | undefined {
  const coerced = coerceValue(target.attribute, raw, renderPath(target));
  const elements = coerced === undefined ? [] : Array.isArray(coerced) ? coerced : [coerced];
  const terms = elements.map(elementFilter).filter((f): f is Filter => f !== undefined);
  if (terms.length <= 1) return terms[0];
  return { op: "or", filters: terms };
}

/** The canonical operations for a `remove` at `target`; `hasValue`/`raw` are the request's value, if any. */
export function removeOperations(target: PatchTarget, hasValue: boolean, raw: unknown): PatchOperation[] {
  const path = renderPath(target);
  if (!isWritable(target, "path", path)) return [];
  checkMembersTarget("remove", target, path);
  checkRemovable(target, path);
  let selected = target;
  if (hasValue && target.attribute.type === "complex" && !target.filter && !target.subAttribute) {
    const filter = listedValuesFilter(target, raw);
    if (!filter) return [];
    selected = { ...target, filter };
  }
  const selectedPath = renderPath(selected);
  if (selected.attribute === MEMBERS_ATTRIBUTE && selected.filter) memberFilterIds(selected.filter, selectedPath);
  return [{ op: "remove", path: selectedPath, target: selected }];
}
