import type { DirectoryGroupRow } from "../storage/schema.js";

/** The WorkOS directory_group object. */
export interface DirectoryGroup {
  readonly object: "directory_group";
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly idp_id: string | null;
  readonly name: string;
  readonly raw_attributes: Record<string, unknown>;
  readonly created_at: string;
  readonly updated_at: string;
}

export function toDirectoryGroup(row: DirectoryGroupRow): DirectoryGroup {
  return {
    object: "directory_group",
    id: row.id,
    directory_id: row.directory_id,
    organization_id: row.organization_id,
    idp_id: row.idp_id,
    name: row.name,
    raw_attributes: JSON.parse(row.raw_attributes) as Record<string, unknown>,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
