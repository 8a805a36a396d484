import type { DirectoryGroup } from "../../directory/index.js";
import { meta } from "../resource-meta.js";
import { URN } from "../../scim-resource/schema-urns.js";

export interface GroupMemberRef {
  readonly id: string;
  readonly username: string;
}

/** A stored group as a SCIM resource, without `members` (streamed separately when asked for). */
export function toScimGroup(group: DirectoryGroup, version: number, baseUrl: string): Record<string, unknown> {
  const { schemas: _sent, id: _id, meta: _meta, members: _members, ...attributes } = group.raw_attributes;
  return {
    schemas: [URN.group],
    id: group.id,
    ...(group.idp_id !== null ? { externalId: group.idp_id } : {}),
    ...attributes,
    displayName: group.name,
    meta: meta("Group", `${baseUrl}/Groups/${group.id}`, group.created_at, group.updated_at, version),
  };
}

export function memberRef(member: GroupMemberRef, baseUrl: string) {
  return { value: member.id, display: member.username, $ref: `${baseUrl}/Users/${member.id}`, type: "User" };
}
