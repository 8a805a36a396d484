import type { Generated, GeneratedAlways, Insertable, Selectable, Updateable } from "kysely";

/**
 * The tables of Roster, in portable types: ISO-8601 UTC text times, 0/1 integers for booleans,
 * JSON as text, sortable prefixed text ids (STYLE.md, convention 3).
 */
export interface Database {
  settings: SettingsTable;
  organizations: OrganizationsTable;
  api_keys: ApiKeysTable;
  directories: DirectoriesTable;
  directory_tokens: DirectoryTokensTable;
  directory_users: DirectoryUsersTable;
  directory_counts: DirectoryCountsTable;
  user_emails: UserEmailsTable;
  directory_groups: DirectoryGroupsTable;
  group_memberships: GroupMembershipsTable;
  events: EventsTable;
  scim_requests: ScimRequestsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_workers: WebhookWorkersTable;
  directory_syncs: DirectorySyncsTable;
  sync_runs: SyncRunsTable;
  portal_links: PortalLinksTable;
  web_sessions: WebSessionsTable;
  audit_log: AuditLogTable;
}

/** One administrative action (see src/audit): never a secret, only ids. */
export interface AuditLogTable {
  id: string;
  actor_kind: string;
  actor_id: string | null;
  action: string;
  target_id: string | null;
  organization_id: string | null;
  request_id: string | null;
  source_ip: string | null;
  created_at: string;
}

/** A setup link for a customer's IT admin: single use, stored as the SHA-256 of its secret. */
export interface PortalLinksTable {
  id: string;
  token_hash: string;
  organization_id: string;
  /** What the link sets up; only `dsync` (directory sync) today. */
  intent: string;
  return_url: string | null;
  success_url: string | null;
  created_at: string;
  /** Until when the link can be opened; once opened it opens nothing again. */
  expires_at: string;
  opened_at: string | null;
}

/** A browser session, found by the SHA-256 of its cookie. */
export interface WebSessionsTable {
  id: string;
  token_hash: string;
  /** `portal`: one organization's directory setup; `console`: an operator signed in with a key. */
  kind: string;
  organization_id: string | null;
  /** The setup link that opened a portal session. */
  link_id: string | null;
  /** A console session: the SHA-256 of the key that opened it (admin or organization API key). */
  key_hash: string | null;
  created_at: string;
  expires_at: string;
}

export interface ScimRequestsTable {
  id: string;
  directory_id: string;
  created_at: string;
  method: string;
  path: string;
  status: number;
  latency_ms: number;
  error_detail: string | null;
  /** The request body with secrets redacted, cut to a few KiB; null for bodiless requests. */
  request_body: string | null;
  user_agent: string | null;
  /** 1 when the request carried the directory's token; 0 for the separately capped rest. */
  authenticated: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface OrganizationsTable {
  id: string;
  name: string;
  name_lower: string;
  /** JSON array of domain strings. */
  domains: string;
  created_at: string;
  updated_at: string;
}

export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string;
  /** SHA-256 hex of the whole key; the key itself is never stored. */
  key_hash: string;
  last4: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface DirectoriesTable {
  id: string;
  organization_id: string;
  name: string;
  name_lower: string;
  type: string;
  state: string;
  domain: string | null;
  deactivated_members: string;
  /** JSON object: attribute mapping, role mapping, connector settings (secrets encrypted). */
  settings: string;
  /** Pull directories: the connector object, sealed (it holds credentials); null for ingest types. */
  connector: string | null;
  /** When the directory first heard from its source (SCIM request authenticated, sync succeeded); null while `unlinked`. */
  linked_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  /** 1: an admin let this directory's connector reach private addresses (`ROSTER_OUTBOUND_PRIVATE`). */
  private_network: Generated<number>;
}

/** One row per pull directory: its run lease, schedule and delta watermark. */
export interface DirectorySyncsTable {
  directory_id: string;
  lease_run_id: string | null;
  lease_expires_at: string | null;
  watermark: string | null;
  last_full_at: string | null;
  next_due_at: string | null;
}

export interface SyncRunsTable {
  id: string;
  directory_id: string;
  organization_id: string;
  /** `full`, `delta` or `user`. */
  mode: string;
  /** `manual`, `schedule`, `upload` or `confirm`. */
  trigger: string;
  dry_run: number;
  /** The one user a `user` run syncs. */
  username: string | null;
  state: string;
  /** What a running run is doing: `connecting`, `users`, `groups`, `removals`, `done`. */
  phase: string;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  /** JSON: the run's user counts (created, updated, deactivated, deleted, failed). */
  counts: string;
  /** JSON: created, updated, deleted, unchanged groups. */
  group_counts: string;
  /** JSON array of per-record errors `{ ref, message }`, capped. */
  errors: string;
  failure_reason: string | null;
  failure_message: string | null;
  /** Users a run held back for confirmation (the mass-removal guard). */
  pending_removals: number;
  /** Group memberships a run held back for confirmation would end. */
  pending_membership_removals: Generated<number>;
  /** JSON: a dry run's (or a held run's) planned changes (capped). */
  changes: string | null;
  confirmed_at: string | null;
  /** A CSV upload held for confirmation, so the confirmed re-run reads the same rows. */
  upload: string | null;
  /** JSON `{host, pid, boot}`: the process running the run (see `sync/run-runner.ts`); null once it ended. */
  runner: string | null;
}

export interface DirectoryTokensTable {
  id: string;
  directory_id: string;
  token_hash: string;
  last4: string;
  created_at: string;
  /** Null while the token is current; set on rotation to the end of its grace period. */
  expires_at: string | null;
}

/**
 * A directory's counts in `slot` rows to be summed (migration 0022), kept exact by triggers on
 * directories, directory_users and directory_groups; nothing else writes them.
 */
export interface DirectoryCountsTable {
  directory_id: string;
  slot: number;
  users: number | string;
  active_users: number | string;
  groups: number | string;
  /** Inserts, deletes and moves of the directory's users and groups: positions in its lists hold while it stands still. */
  changes: Generated<number | string>;
}

export interface DirectoryUsersTable {
  id: string;
  directory_id: string;
  organization_id: string;
  idp_id: string | null;
  username: string;
  username_lower: string;
  email: string | null;
  /** JSON array of {value, type, primary}: the user's emails as served; user_emails indexes them. */
  emails: string;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  state: string;
  role: string | null;
  /** JSON array of role slugs. */
  roles: string;
  custom_attributes: string;
  raw_attributes: string;
  /** Bumped on every change; the SCIM ETag. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface UserEmailsTable {
  user_id: string;
  directory_id: string;
  position: number;
  value: string;
  value_lower: string;
  type: string | null;
  primary: number;
}

export interface DirectoryGroupsTable {
  id: string;
  directory_id: string;
  organization_id: string;
  idp_id: string | null;
  name: string;
  name_lower: string;
  raw_attributes: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface GroupMembershipsTable {
  group_id: string;
  user_id: string;
  directory_id: string;
  created_at: string;
}

export interface EventsTable {
  /** Autoincrement on SQLite, bigserial on PostgreSQL: unique, but not commit order on PostgreSQL. */
  seq: Generated<number>;
  id: string;
  event: string;
  organization_id: string | null;
  directory_id: string | null;
  data: string;
  created_at: string;
  /** PostgreSQL only: the writing transaction's id, so readers never pass a running writer. */
  xact_id: Generated<string | null>;
  /** The feed's total order, computed by the database (`caps.eventFeedPosition`); fixed-width text. */
  feed_pos: GeneratedAlways<string>;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type DirectoryRow = Selectable<DirectoriesTable>;
export type DirectoryTokenRow = Selectable<DirectoryTokensTable>;
export type DirectoryUserRow = Selectable<DirectoryUsersTable>;
export type DirectoryGroupRow = Selectable<DirectoryGroupsTable>;
export type EventRow = Selectable<EventsTable>;
export type DirectorySyncRow = Selectable<DirectorySyncsTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type ScimRequestRow = Selectable<ScimRequestsTable>;
export type PortalLinkRow = Selectable<PortalLinksTable>;
export type WebSessionRow = Selectable<WebSessionsTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewEvent = Insertable<EventsTable>;
/** An `events` row as the store writes it (the database fills in the rest). */
export type EventInsertRow = Pick<
  EventsTable,
  "id" | "event" | "organization_id" | "directory_id" | "data" | "created_at"
>;
export type UserEmailRow = Selectable<UserEmailsTable>;

/** Every column of `directory_users`, in the order the store's inserts list them. */
export const USER_ROW_COLUMNS = [
  "id",
  "directory_id",
  "organization_id",
  "idp_id",
  "username",
  "username_lower",
  "email",
  "emails",
  "first_name",
  "last_name",
  "job_title",
  "state",
  "role",
  "roles",
  "custom_attributes",
  "raw_attributes",
  "version",
  "created_at",
  "updated_at",
] as const satisfies readonly (keyof DirectoryUserRow)[];
// Fails to compile when a column is added to the table but not to the inserts.
const everyUserColumn: Record<Exclude<keyof DirectoryUserRow, (typeof USER_ROW_COLUMNS)[number]>, never> = {};
void everyUserColumn;
export type DirectoryUpdate = Updateable<DirectoriesTable>;

export interface WebhookEndpointsTable {
  id: string;
  /** Null for a global endpoint (every organization's events). */
  organization_id: string | null;
  url: string;
  /** JSON array of event types; empty means every type. */
  events: string;
  /** The signing secret, AES-256-GCM sealed (src/crypto): never stored in clear. */
  secret_sealed: string;
  enabled: number;
  disabled_reason: string | null;
  disabled_at: string | null;
  /** Feed position of the last event turned into deliveries for this endpoint; '' before the first. */
  cursor_pos: string;
  created_at: string;
  updated_at: string;
  /** 1: an admin let this endpoint reach private addresses (`ROSTER_OUTBOUND_PRIVATE`). */
  private_network: Generated<number>;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  /** The event's feed position: an endpoint's deliveries go out in this order. */
  event_pos: string;
  event_type: string;
  /** pending | succeeded | failed */
  state: string;
  attempt_count: number;
  /** Failed attempts since the retry window opened; drives the backoff. */
  failures: number;
  next_attempt_at: string;
  /** End of the retry window, set by the first failure; null while none failed. */
  give_up_at: string | null;
  /** A worker's lease on the delivery while it sends it. */
  locked_until: string | null;
  claim_token: string | null;
  /** The `webhook_workers` row of the worker holding the lease: its leases are taken back once it is gone. */
  claim_owner: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

/** A running delivery worker: where it runs, and when it last said it still does. */
export interface WebhookWorkersTable {
  id: string;
  hostname: string;
  /** The process's pid namespace (Linux), so containers sharing a host name do not judge each other's pids. */
  pid_namespace: string | null;
  pid: number;
  /** When its process started: with the pid, one process of the host. */
  started_at: string;
  heartbeat_at: string;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  latency_ms: number;
  /** At most 1 KiB of the response body. */
  response_excerpt: string | null;
  error: string | null;
  started_at: string;
  finished_at: string;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookAttemptRow = Selectable<WebhookAttemptsTable>;
