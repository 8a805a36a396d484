import type { GroupInput } from "../../directory/index.js";
import type { InvalidRecord } from "../source.js";
import { isObject, text } from "./google-user.js";

/** The resource's kind and etag, and the member count, which moves with the members (a membership change is not a change of the group). */
const NOT_RAW = new Set(["kind", "etag", "directMembersCount"]);

export interface GoogleGroup {
  readonly kind: "group";
  readonly group: GroupInput & { readonly idpId: string };
}

/** A Directory API group (`groups.list`): its `name` (else its email) names it, its `id` is the key. */
export function readGoogleGroup(group: unknown, position: string): GoogleGroup | InvalidRecord {
  if (!isObject(group)) return { kind: "invalid", ref: position, message: "the group is not a JSON object" };
  const id = text(group.id);
  if (id === null) return { kind: "invalid", ref: position, message: "the group has no id" };
  const name = text(group.name) ?? text(group.email);
  if (name === null) return { kind: "invalid", ref: id, message: "the group has neither a name nor an email" };
  return {
    kind: "group",
    group: {
      idpId: id,
      name,
      rawAttributes: Object.fromEntries(Object.entries(group).filter(([key]) => !NOT_RAW.has(key))),
    },
  };
}

/**
 * A member of `members.list`: a user's or a group's id, or `CUSTOMER` ("all users in the
 * organization", whose id is the account's customer ID); anything else is null.
 */
export function readMember(
  member: unknown,
): { readonly type: "USER" | "GROUP" | "CUSTOMER"; readonly id: string } | null {
  if (!isObject(member)) return null;
  const id = text(member.id);
  if (id === null) return null;
  if (member.type === "USER" || member.type === "GROUP" || member.type === "CUSTOMER") return { type: member.type, id };
  return null;
}
