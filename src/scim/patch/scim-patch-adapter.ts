import { type ScimPatchOperation, ScimError as ScimPatchError, type ScimResource, scimPatch } from "scim-patch";
import { createScimError } from "../errors.js";
import { isJsonObject } from "./json-guards.js";
import type { JsonObject, PatchOperation } from "./patch-types.js";

interface PatchCarrier extends ScimResource {
  [key: string]: unknown;
}

// scim-patch types its input as a full resource; these placeholders satisfy it and are removed after.
const PLACEHOLDER_META = Object.freeze({ created: new Date(0), lastModified: new Date(0) });

function toLibraryOperation(op: PatchOperation): ScimPatchOperation {
  return op.op === "remove"
    ? { op: "remove", path: op.path }
    : { op: op.op, path: op.path, value: structuredClone(op.value) };
}

function notApplicable(path: string, cause: unknown) {
  const noTarget = cause instanceof ScimPatchError && cause.scimCode === "noTarget";
  return noTarget
    ? createScimError(400, { detail: `No value matches "${path}"`, scimType: "noTarget", cause })
    : createScimError(400, {
        detail: `"${path}" cannot be applied to the resource's current value`,
        scimType: "invalidValue",
        cause,
      });
}

/**
 * Applies an operation without a value filter (plain, dotted or URN-qualified attribute; whole
 * multi-valued add with duplicate skipping, replace, remove) with scim-patch, in place.
 */
export function applyWithScimPatch(document: JsonObject, op: PatchOperation): void {
  const { schemas, meta, ...attributes } = document;
  const carrier: PatchCarrier = { ...attributes, schemas: [], meta: PLACEHOLDER_META };
  try {
    scimPatch(carrier, [toLibraryOperation(op)], { mutateDocument: true, treatMissingAsAdd: true });
  } catch (cause) {
    throw notApplicable(op.path, cause);
  }
  const { schemas: _schemas, meta: _meta, ...patched } = carrier;
  if (!isJsonObject(patched)) throw notApplicable(op.path, new TypeError("scim-patch produced a non-JSON value"));
  for (const key of Object.keys(document)) delete document[key];
  Object.assign(document, schemas === undefined ? {} : { schemas }, patched, meta === undefined ? {} : { meta });
}
