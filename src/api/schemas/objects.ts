import { Type } from "typebox";
import { DEACTIVATED_MEMBER_POLICIES, DIRECTORY_STATES, DIRECTORY_TYPES } from "../../directory/directory-types.js";
import { Nullable } from "./common.js";

export const DirectoryTypeSchema = Type.Enum([...DIRECTORY_TYPES]);
export const DeactivatedMembersSchema = Type.Enum([...DEACTIVATED_MEMBER_POLICIES]);

export const OrganizationSchema = Type.Object({
  object: Type.Literal("organization"),
  id: Type.String(),
  name: Type.String(),
  domains: Type.Array(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ApiKeySchema = Type.Object({
  object: Type.Literal("api_key"),
  id: Type.String(),
  organization_id: Type.String(),
  name: Type.String(),
  key: Type.Optional(Type.String({ description: "Shown only in the answer that created the key" })),
  last4: Type.String(),
  created_at: Type.String(),
  last_used_at: Nullable(Type.String()),
});

export const RoleRuleSchema = Type.Object(
  {
    group: Type.String({ minLength: 1, maxLength: 256, description: "A group's id, idp_id or name" }),
    role: Type.String({ minLength: 1, maxLength: 100, description: "The role slug its members get" }),
    priority: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: "Higher ranks first" }),
  },
  { additionalProperties: false },
);

export const DirectorySchema = Type.Object({
  object: Type.Literal("directory"),
  id: Type.String(),
  external_key: Type.String({
    description: "WorkOS's external key: the key naming the directory in its SCIM endpoint (its id)",
  }),
  organization_id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  state: Type.Enum([...DIRECTORY_STATES]),
  domain: Nullable(Type.String()),
  metadata: Type.Object({
    users: Type.Object({ active: Type.Integer(), inactive: Type.Integer() }),
    groups: Type.Integer(),
  }),
  deactivated_members: Type.String(),
  attribute_mapping: Type.Record(Type.String(), Type.String(), {
    description: "Custom attribute name → source attribute path",
  }),
  role_mapping: Type.Array(RoleRuleSchema, { description: "Group → role rules; the highest priority gives `role`" }),
  scim: Type.Optional(
    Type.Object({
      base_url: Type.String(),
      token: Type.Optional(
        Type.String({ description: "Shown only when the directory is created or its token rotated" }),
      ),
    }),
  ),
  connector: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: "Pull directories: the connector settings, credentials shown only as `<key>_set`",
    }),
  ),
  private_network: Type.Optional(
    Type.Boolean({
      description:
        "Pull directories: the connector may reach private, loopback and link-local addresses although ROSTER_OUTBOUND_PRIVATE refuses them; set by the admin key only",
    }),
  ),
  deleted_at: Nullable(Type.String()),
  restorable_until: Nullable(
    Type.String({
      description:
        "A deleted directory: until when `POST /directories/{id}/restore` can undo the deletion (deleted_at + ROSTER_RESTORE_DAYS); null while it is live",
    }),
  ),
  last_activity_at: Nullable(
    Type.String({
      description:
        "The newest of its last SCIM request, last sync run and last change (any event about it: its users, groups, memberships, or the directory itself, its creation included); null in event payloads",
    }),
  ),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ScimTokenSchema = Type.Object({
  object: Type.Literal("scim_token"),
  base_url: Type.String(),
  token: Type.String(),
  previous_token_expires_at: Nullable(Type.String()),
});
