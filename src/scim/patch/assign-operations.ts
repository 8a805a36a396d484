import { MANAGER_ATTRIBUTE, MEMBERS_ATTRIBUTE, findAttribute } from "../schema/index.js";
import { isPlainObject } from "./json-guards.js";
import { memberIds } from "./member-ids.js";
import { checkMembersTarget, checkRemovable, isWritable, type Origin } from "./operation-rules.js";
import { renderPath } from "./patch-path.js";
import type { JsonValue, PatchOperation, PatchTarget } from "./patch-types.js";
import { coerceSingleValue, coerceValue } from "./value-coercion.js";

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3: an object given for a single-valued complex attribute sets the named
 * sub-attributes and leaves the others unchanged, so it is expanded into one operation per
 * sub-attribute (which also turns OneLogin's "" sub-attributes into removals). The manager is the
 * exception: its sub-attributes describe one person and are replaced together.
 */
function isExpandable(target: PatchTarget, raw: unknown): raw is Record<string, unknown> {
  const { attribute } = target;
  const singleComplex = attribute.type === "complex" && !attribute.multiValued && attribute !== MANAGER_ATTRIBUTE;
  return singleComplex && !target.subAttribute && !target.filter && isPlainObject(raw);
}

function coerceTarget(target: PatchTarget, raw: unknown, path: string): JsonValue | undefined {
  if (target.subAttribute) return coerceValue(target.subAttribute, raw, path);
  // A value filter selects single elements, so the value is one element.
  return target.filter ? coerceSingleValue(target.attribute, raw, path) : coerceValue(target.attribute, raw, path);
}

/** RFC 7643 §2.5: assigning null, "", [] or {} leaves the attribute unassigned, i.e. removes it. */
function emptyAssignment(op: "add" | "replace", target: PatchTarget, path: string): PatchOperation[] {
  const wholeMultiValued = target.attribute.multiValued && !target.filter && !target.subAttribute;
  if (op === "add" && wholeMultiValued) return [];
  checkRemovable(target, path);
  return [{ op: "remove", path, target }];
}

/** The canonical operations for an `add` or `replace` of `raw` at `target`. */
export function assignOperations(
  op: "add" | "replace",
  target: PatchTarget,
  raw: unknown,
  origin: Origin,
): PatchOperation[] {
  const path = renderPath(target);
  if (!isWritable(target, origin, path)) return [];
  checkMembersTarget(op, target, path);
  if (isExpandable(target, raw)) {
    return Object.entries(raw).flatMap(([key, item]) => {
      const subAttribute = findAttribute(target.attribute.subAttributes, key);
      return subAttribute ? assignOperations(op, { ...target, subAttribute }, item, origin) : [];
    });
  }
  const value = coerceTarget(target, raw, path);
  if (value === undefined) return emptyAssignment(op, target, path);
  if (target.attribute === MEMBERS_ATTRIBUTE) memberIds(value, path);
  return [{ op, path, target, value }];
}
