import { Type } from "typebox";
import { Nullable } from "./common.js";

const Attributes = Type.Record(Type.String(), Type.Unknown());

/** The WorkOS directory_group object, as @workos-inc/node deserializes it. */
export const DirectoryGroupSchema = Type.Object({
  object: Type.Literal("directory_group"),
  id: Type.String(),
  idp_id: Nullable(Type.String()),
  directory_id: Type.String(),
  organization_id: Type.String(),
  name: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
  raw_attributes: Attributes,
});

const RoleSchema = Type.Object({ slug: Type.String() });

/** The WorkOS directory_user object with its groups (the SDK maps `groups` on lists and on get). */
export const DirectoryUserSchema = Type.Object({
  object: Type.Literal("directory_user"),
  id: Type.String(),
  directory_id: Type.String(),
  organization_id: Type.String(),
  idp_id: Nullable(Type.String()),
  email: Nullable(Type.String()),
  emails: Type.Array(Type.Object({ primary: Type.Boolean(), type: Nullable(Type.String()), value: Type.String() })),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  job_title: Nullable(Type.String()),
  username: Type.String(),
  state: Type.Union([Type.Literal("active"), Type.Literal("inactive")]),
  role: Nullable(RoleSchema),
  roles: Type.Array(RoleSchema),
  custom_attributes: Attributes,
  raw_attributes: Attributes,
  groups: Type.Array(DirectoryGroupSchema),
  created_at: Type.String(),
  updated_at: Type.String(),
});
