import { readGroupBody, readMemberIds, toGroupInput } from "../../scim-resource/group-document.js";
import { InvalidScimRecord } from "../../scim-resource/invalid-record.js";
import { isPlainObject } from "../../scim-resource/plain-object.js";
import type { GroupInput } from "../../directory/index.js";
import type { InvalidRecord } from "../source.js";
import { upstreamId } from "./upstream-user.js";

export interface UpstreamGroup {
  readonly kind: "group";
  readonly group: GroupInput & { readonly idpId: string };
  /** False when the resource left `members` out: the list may have omitted it, the group may still have some. */
  readonly membersSent: boolean;
  readonly userIds: readonly string[];
  /** Members of `type: "Group"` (RFC 7643 §4.2): nested groups, to be flattened. */
  readonly groupIds: readonly string[];
}

function membersOf(resource: Record<string, unknown>): unknown {
  const key = Object.keys(resource).find((k) => k.toLowerCase() === "members");
  return key === undefined ? undefined : resource[key];
}

function isGroupMember(member: unknown): boolean {
  if (!isPlainObject(member)) return false;
  const key = Object.keys(member).find((k) => k.toLowerCase() === "type");
  return key !== undefined && typeof member[key] === "string" && (member[key] as string).toLowerCase() === "group";
}

/** An upstream Group resource read as Roster reads a pushed one, keyed by the upstream's `id`. */
export function readUpstreamGroup(resource: unknown, position: string): UpstreamGroup | InvalidRecord {
  const id = upstreamId(resource);
  if (id === null || !isPlainObject(resource))
    return { kind: "invalid", ref: position, message: "the resource has no id" };
  try {
    const { document } = readGroupBody(resource);
    const members = membersOf(resource);
    const list = Array.isArray(members) ? members : [];
    return {
      kind: "group",
      group: { ...toGroupInput(document), idpId: id },
      membersSent: members !== undefined && members !== null,
      userIds: readMemberIds(list.filter((m) => !isGroupMember(m))),
      groupIds: readMemberIds(list.filter(isGroupMember)),
    };
  } catch (error) {
    if (error instanceof InvalidScimRecord) return { kind: "invalid", ref: id, message: error.detail };
    throw error;
  }
}
