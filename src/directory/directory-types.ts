/** Directory types (WorkOS spellings where WorkOS has one). */
export const INGEST_TYPES = [
  "okta scim v2.0",
  "azure scim v2.0",
  "onelogin scim v2.0",
  "jump cloud scim v2.0",
  "generic scim v2.0",
] as const;

export const PULL_TYPES = ["ldap", "scim pull", "csv", "okta api", "entra id", "google workspace"] as const;

/** The pull types whose connector this build ships (the registry's kinds); the others are refused with 422. */
export const CONNECTED_PULL_TYPES = [
  "ldap",
  "scim pull",
  "csv",
  "okta api",
  "google workspace",
  "entra id",
] as const satisfies readonly (typeof PULL_TYPES)[number][];

export const DIRECTORY_TYPES = [...INGEST_TYPES, ...PULL_TYPES] as const;

/** What a directory can be created as here: every ingest type, and the pull types with a connector. */
export const CREATABLE_DIRECTORY_TYPES = [...INGEST_TYPES, ...CONNECTED_PULL_TYPES] as const;
export type DirectoryType = (typeof DIRECTORY_TYPES)[number];

export const DIRECTORY_STATES = ["linked", "unlinked", "validating", "invalid_credentials", "deleting"] as const;
export type DirectoryState = (typeof DIRECTORY_STATES)[number];

export const DEACTIVATED_MEMBER_POLICIES = ["hide", "remove", "keep"] as const;
export type DeactivatedMembersPolicy = (typeof DEACTIVATED_MEMBER_POLICIES)[number];

export function isIngestType(type: string): boolean {
  return (INGEST_TYPES as readonly string[]).includes(type);
}
