import { canonicalDocument } from "./canonical-document.js";
import { applyDocumentOperation } from "./document-operation.js";
import type { PatchOperation, ScimUserDocument } from "./patch-types.js";
import { dropUnassigned } from "./unassigned-values.js";

/**
 * Applies canonical operations (from normalizePatchRequest(body, "User")) to a user document and
 * returns the new document. Pure and atomic: the input is never modified, and if any operation
 * fails a ScimError is thrown and no change is visible.
 */
export function applyUserPatch(user: ScimUserDocument, operations: readonly PatchOperation[]): ScimUserDocument {
  const draft = canonicalDocument("User", structuredClone(user));
  for (const op of operations) applyDocumentOperation(draft, op);
  return dropUnassigned("User", draft);
}
