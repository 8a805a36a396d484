import { readMapping, type RoleRule } from "../directory/index.js";
import type { DirectoryRow } from "../storage/schema.js";
import type { DirectoryState } from "../directory/directory-types.js";

export interface DirectoryCounts {
  readonly active: number;
  readonly inactive: number;
  readonly groups: number;
}

/** The WorkOS directory object, plus Roster's own fields (policy, SCIM base URL). */
export interface DirectoryObject {
  readonly object: "directory";
  readonly id: string;
  /**
   * WorkOS's `external_key` (the SDK reads it as `externalKey: string`): the key naming the
   * directory in its SCIM endpoint, which in Roster is the directory id.
   */
  readonly external_key: string;
  readonly organization_id: string;
  readonly name: string;
  readonly type: string;
  readonly state: DirectoryState;
  readonly domain: string | null;
  readonly metadata: { users: { active: number; inactive: number }; groups: number };
  readonly deactivated_members: string;
  /** Custom attribute name → source attribute path: fills each user's `custom_attributes`. */
  readonly attribute_mapping: Record<string, string>;
  /** Group → role rules: fill each user's `role` and `roles`. */
  readonly role_mapping: RoleRule[];
  readonly scim?: { base_url: string; token?: string };
  /** Pull directories: the connector settings without credentials. */
  readonly connector?: Record<string, unknown>;
  /** Pull directories: an admin let the connector reach private addresses (`ROSTER_OUTBOUND_PRIVATE`). */
  readonly private_network?: boolean;
  readonly deleted_at: string | null;
  /** A deleted directory: when its restore window closes and it is purged; null while it is live. */
  readonly restorable_until: string | null;
  /** The newest of its last SCIM request, last sync run and last change; null when none yet (and in event payloads, like the counts). */
  readonly last_activity_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export const EMPTY_COUNTS: DirectoryCounts = Object.freeze({ active: 0, inactive: 0, groups: 0 });

export function scimBaseUrl(publicUrl: string, directoryId: string): string {
  return `${publicUrl}/scim/v2/${directoryId}`;
}

/**
 * The directory as the API shows it; `restoreDays` is ROSTER_RESTORE_DAYS, the window a deleted one
 * stays restorable; `lastActivityAt` comes from `lastActivityOf` (directory-activity.ts).
 */
export function toDirectoryObject(
  row: DirectoryRow,
  counts: DirectoryCounts,
  scimBase: string | null,
  restoreDays: number,
  lastActivityAt: string | null = null,
): DirectoryObject {
  return {
    object: "directory",
    id: row.id,
    external_key: row.id,
    organization_id: row.organization_id,
    name: row.name,
    type: row.type,
    state: row.state as DirectoryState,
    domain: row.domain,
    metadata: { users: { active: counts.active, inactive: counts.inactive }, groups: counts.groups },
    deactivated_members: row.deactivated_members,
    ...readMapping(row.settings),
    ...(scimBase ? { scim: { base_url: scimBase } } : {}),
    ...(row.connector !== null ? { private_network: row.private_network === 1 } : {}),
    deleted_at: row.deleted_at,
    restorable_until:
      row.deleted_at === null ? null : new Date(Date.parse(row.deleted_at) + restoreDays * 86_400_000).toISOString(),
    last_activity_at: lastActivityAt,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
