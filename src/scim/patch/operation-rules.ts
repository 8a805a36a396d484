import { createScimError } from "../errors.js";
import { MEMBERS_ATTRIBUTE } from "../schema/index.js";
import type { PatchTarget } from "./patch-types.js";

/** Where an operation's target came from: an explicit `path`, or a key of a path-less value. */
export type Origin = "path" | "value";

function mutability(path: string, why: string) {
  return createScimError(400, { detail: `Cannot modify "${path}": ${why}`, scimType: "mutability" });
}

/**
 * RFC 7644 §3.5.2: an operation must respect the attribute's mutability. A readOnly attribute
 * named by a path is an error; inside a path-less value it is ignored, as RFC 7644 §3.5.1 does for
 * PUT (Okta echoes `groups`, `meta`). writeOnly `password` is dropped: Roster never stores credentials.
 * Returns false when the operation is to be dropped.
 */
export function isWritable(target: PatchTarget, origin: Origin, path: string): boolean {
  const definitions = target.subAttribute ? [target.attribute, target.subAttribute] : [target.attribute];
  if (definitions.some((d) => d.mutability === "writeOnly")) return false;
  if (!definitions.some((d) => d.mutability === "readOnly")) return true;
  if (origin === "value") return false;
  throw mutability(path, "the attribute is readOnly");
}

/** A member's sub-attributes are immutable (RFC 7643 §4.2): members are added or removed, never edited. */
export function checkMembersTarget(op: "add" | "replace" | "remove", target: PatchTarget, path: string): void {
  if (target.attribute !== MEMBERS_ATTRIBUTE) return;
  if (target.subAttribute) throw mutability(path, "member sub-attributes are immutable");
  if (op !== "remove" && target.filter) throw mutability(path, "members are added or removed, not edited in place");
}

/** RFC 7644 §3.5.2.2: removing a required attribute, or leaving it unassigned, is a mutability error. */
export function checkRemovable(target: PatchTarget, path: string): void {
  if (target.attribute.required && !target.filter && !target.subAttribute)
    throw mutability(path, "the attribute is required");
}
