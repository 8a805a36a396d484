import type { DirectoryUserRow } from "../storage/schema.js";

export interface DirectoryUserEmail {
  readonly primary: boolean;
  readonly type: string | null;
  readonly value: string;
}

/** The WorkOS directory_user object; `groups` is filled by the reader that needs it. */
export interface DirectoryUser {
  readonly object: "directory_user";
  readonly id: string;
  readonly directory_id: string;
  readonly organization_id: string;
  readonly idp_id: string | null;
  readonly email: string | null;
  readonly emails: DirectoryUserEmail[];
  readonly username: string;
  readonly first_name: string | null;
  readonly last_name: string | null;
  readonly job_title: string | null;
  readonly state: "active" | "inactive";
  readonly role: { slug: string } | null;
  readonly roles: { slug: string }[];
  readonly custom_attributes: Record<string, unknown>;
  readonly raw_attributes: Record<string, unknown>;
  readonly created_at: string;
  readonly updated_at: string;
}

export function toDirectoryUser(row: DirectoryUserRow): DirectoryUser {
  return {
    object: "directory_user",
    id: row.id,
    directory_id: row.directory_id,
    organization_id: row.organization_id,
    idp_id: row.idp_id,
    email: row.email,
    emails: JSON.parse(row.emails) as DirectoryUserEmail[],
    username: row.username,
    first_name: row.first_name,
    last_name: row.last_name,
    job_title: row.job_title,
    state: row.state === "inactive" ? "inactive" : "active",
    role: row.role ? { slug: row.role } : null,
    roles: (JSON.parse(row.roles) as string[]).map((slug) => ({ slug })),
    custom_attributes: JSON.parse(row.custom_attributes) as Record<string, unknown>,
    raw_attributes: JSON.parse(row.raw_attributes) as Record<string, unknown>,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The fields of `after` that differ from `before`, with their old values (WorkOS previous_attributes). */
export function previousAttributes(before: DirectoryUser, after: DirectoryUser): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof DirectoryUser)[]) {
    if (key === "updated_at") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}
