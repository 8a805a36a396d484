import type { ScimResourceName } from "../schema/index.js";
import { assignOperations } from "./assign-operations.js";
import { pathlessOperations } from "./pathless-operations.js";
import { type RawOperation, readPatchMessage } from "./patch-message.js";
import { parsePatchPath } from "./patch-path.js";
import type { PatchOperation } from "./patch-types.js";
import { removeOperations } from "./remove-operations.js";

export interface NormalizeOptions {
  /**
   * The id of the resource being patched. A path-less value may carry `id` (Okta does): it is
   * ignored when equal to this, and 400 mutability otherwise. When omitted, `id` keys are ignored.
   */
  readonly resourceId?: string;
}

function normalizeOperation(
  resource: ScimResourceName,
  raw: RawOperation,
  options: NormalizeOptions,
): PatchOperation[] {
  if (raw.op === "remove") return removeOperations(parsePatchPath(resource, raw.path), raw.hasValue, raw.value);
  if (raw.path === undefined)
    return pathlessOperations({ resource, op: raw.op, resourceId: options.resourceId }, raw.value);
  return assignOperations(raw.op, parsePatchPath(resource, raw.path), raw.value, "path");
}

/**
 * Validates an RFC 7644 §3.5.2 PatchOp body and normalizes every known IdP quirk into canonical
 * operations: case-insensitive ops and attribute names, string booleans, path-less values with
 * dotted and URN keys, manager strings, empty values as removals, Entra's member removal by value.
 * Throws a ScimError (400) for anything it cannot accept.
 */
export function normalizePatchRequest(
  body: unknown,
  resource: ScimResourceName,
  options: NormalizeOptions = {},
): PatchOperation[] {
  return readPatchMessage(body).flatMap((raw) => normalizeOperation(resource, raw, options));
}
