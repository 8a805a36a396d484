import { MEMBERS_ATTRIBUTE } from "../schema/index.js";
import { canonicalDocument } from "./canonical-document.js";
import { applyDocumentOperation } from "./document-operation.js";
import { MemberChangeBuilder } from "./member-change.js";
import { memberFilterIds, memberIds } from "./member-ids.js";
import type { MemberChange, PatchOperation, ScimGroupDocument } from "./patch-types.js";
import { dropUnassigned } from "./unassigned-values.js";

function applyMemberOperation(members: MemberChangeBuilder, op: PatchOperation): void {
  if (op.op === "add") return members.add(memberIds(op.value, op.path));
  if (op.op === "replace") return members.replaceAll(memberIds(op.value, op.path));
  // RFC 7644 §3.5.2.2: a remove without a filter removes every value.
  if (op.target.filter) return members.remove(memberFilterIds(op.target.filter, op.path));
  members.replaceAll([]);
}

/**
 * Applies canonical operations (from normalizePatchRequest(body, "Group")) to a group. Member
 * operations never touch the document: they become a {@link MemberChange} in user ids, so a group
 * of 100,000 members is never materialised. Pure and atomic like applyUserPatch.
 */
export function applyGroupPatch(
  group: ScimGroupDocument,
  operations: readonly PatchOperation[],
): { document: ScimGroupDocument; members: MemberChange } {
  const draft = canonicalDocument("Group", structuredClone(group));
  const members = new MemberChangeBuilder();
  for (const op of operations) {
    if (op.target.attribute === MEMBERS_ATTRIBUTE) applyMemberOperation(members, op);
    else applyDocumentOperation(draft, op);
  }
  return { document: dropUnassigned("Group", draft), members: members.toChange() };
}
