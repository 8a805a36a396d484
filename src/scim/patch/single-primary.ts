import { findAttribute } from "../schema/index.js";
import { containerOf, elementsOf } from "./document-paths.js";
import type { JsonObject, PatchTarget } from "./patch-types.js";

function primaryElements(document: JsonObject, target: PatchTarget): JsonObject[] {
  const { attribute } = target;
  if (!attribute.multiValued || !findAttribute(attribute.subAttributes, "primary")) return [];
  const container = containerOf(document, target, false);
  return container ? elementsOf(container[attribute.name], true).filter((e) => e.primary === true) : [];
}

/** The values of the target's attribute marked primary before an operation runs. */
export function primaryHolders(document: JsonObject, target: PatchTarget): ReadonlySet<JsonObject> {
  return new Set(primaryElements(document, target));
}

/**
 * RFC 7643 §2.4: "primary" true appears no more than once. The value an operation just made
 * primary wins (the last one, if it made several); every other value's primary becomes false.
 */
export function keepSinglePrimary(document: JsonObject, target: PatchTarget, before: ReadonlySet<JsonObject>): void {
  const primaries = primaryElements(document, target);
  if (primaries.length <= 1) return;
  const winner = primaries.filter((e) => !before.has(e)).at(-1) ?? primaries[0];
  for (const element of primaries) if (element !== winner) element.primary = false;
}
