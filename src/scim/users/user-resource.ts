import type { DirectoryUser } from "../../directory/index.js";
import { meta } from "../resource-meta.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { withManagerRef } from "./manager-reference.js";

/** What of a stored user its SCIM resource shows (a read for SCIM selects only these). */
export type ScimUserSource = Pick<
  DirectoryUser,
  "id" | "idp_id" | "username" | "state" | "raw_attributes" | "created_at" | "updated_at"
>;

export interface UserGroupRef {
  readonly id: string;
  readonly name: string;
}

/**
 * A stored user as a SCIM resource: the attributes as the IdP sent them, with the server's
 * `id`, `meta`, `active` and read-only `groups` laid over them.
 */
export function toScimUser(
  user: ScimUserSource,
  version: number,
  baseUrl: string,
  groups: readonly UserGroupRef[] | null,
): Record<string, unknown> {
  const {
    schemas: _sent,
    id: _id,
    meta: _meta,
    groups: _groups,
    password: _password,
    ...attributes
  } = user.raw_attributes;
  const hasEnterprise = Object.keys(attributes).some((k) => k.toLowerCase() === URN.enterpriseUser.toLowerCase());
  const location = `${baseUrl}/Users/${user.id}`;
  return {
    schemas: hasEnterprise ? [URN.user, URN.enterpriseUser] : [URN.user],
    id: user.id,
    ...(user.idp_id !== null ? { externalId: user.idp_id } : {}),
    ...withManagerRef(attributes, baseUrl),
    userName: user.username,
    active: user.state === "active",
    ...(groups
      ? {
          groups: groups.map((g) => ({
            value: g.id,
            display: g.name,
            $ref: `${baseUrl}/Groups/${g.id}`,
            type: "direct",
          })),
        }
      : {}),
    meta: meta("User", location, user.created_at, user.updated_at, version),
  };
}
