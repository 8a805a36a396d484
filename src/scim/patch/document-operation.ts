import { containerOf } from "./document-paths.js";
import { applyElementOperation } from "./element-operation.js";
import type { AssignOperation, JsonObject, PatchOperation } from "./patch-types.js";
import { applyWithScimPatch } from "./scim-patch-adapter.js";
import { keepSinglePrimary, primaryHolders } from "./single-primary.js";

/** A whole single-valued complex value (the manager) is replaced, not merged: its parts describe one person. */
function replaceWhole(document: JsonObject, op: AssignOperation): void {
  const container = containerOf(document, op.target, true);
  if (container) container[op.target.attribute.name] = structuredClone(op.value);
}

function dispatch(document: JsonObject, op: PatchOperation): void {
  const { target } = op;
  if (target.filter || (target.attribute.multiValued && target.subAttribute))
    return applyElementOperation(document, op);
  const wholeComplex = target.attribute.type === "complex" && !target.attribute.multiValued && !target.subAttribute;
  if (op.op !== "remove" && wholeComplex) return replaceWhole(document, op);
  applyWithScimPatch(document, op);
}

/** Applies one canonical operation to a document in place, keeping a single primary value. */
export function applyDocumentOperation(document: JsonObject, op: PatchOperation): void {
  const before = primaryHolders(document, op.target);
  dispatch(document, op);
  keepSinglePrimary(document, op.target, before);
}
