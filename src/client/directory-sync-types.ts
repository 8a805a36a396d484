// The people and groups a directory holds, as `GET /directory_users` and `GET /directory_groups` serve them (WorkOS shapes).

/** A user's state: `inactive` when the source deactivated it (SCIM `active: false`); deleted users are gone. */
export type DirectoryUserState = "active" | "inactive";

/** One of a user's email addresses. */
export interface DirectoryUserEmail {
  readonly primary: boolean;
  readonly type: string | null;
  readonly value: string;
}

/** A role from the directory's `role_mapping`. */
export interface DirectoryUserRole {
  readonly slug: string;
}

export interface DirectoryGroup {
  readonly object: "directory_group";
  readonly id: string;
  /** The source's id for the group (SCIM `externalId`), if it sent one. */
  readonly idp_id: string | null;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly name: string;
  /** The group as the source sent it. */
  readonly raw_attributes: Readonly<Record<string, unknown>>;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface DirectoryUser {
  readonly object: "directory_user";
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  /** The source's id for the user (SCIM `externalId`), if it sent one. */
  readonly idp_id: string | null;
  /** The primary address; null when the source sent none. */
  readonly email: string | null;
  readonly emails: DirectoryUserEmail[];
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly job_title: string | null;
  readonly username: string;
  readonly state: DirectoryUserState;
  /** The highest-priority mapped role; null when no rule matches. */
  readonly role: DirectoryUserRole | null;
  /** Every mapped role, highest priority first. */
  readonly roles: DirectoryUserRole[];
  /** Named by the directory's `attribute_mapping`; every mapped name is present (null when missing). */
  readonly custom_attributes: Readonly<Record<string, unknown>>;
  /** The user as the source sent it. */
  readonly raw_attributes: Readonly<Record<string, unknown>>;
  /** The groups it belongs to (empty for an inactive user under the `hide` policy). */
  readonly groups: DirectoryGroup[];
  readonly created_at: string;
  readonly updated_at: string;
}
