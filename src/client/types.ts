import type { DeactivatedMembersPolicy, DirectoryState, DirectoryType } from "../directory/directory-types.js";

export type { DeactivatedMembersPolicy, DirectoryState, DirectoryType };

/** Sort order of a list, by id (ids are time-sortable, so this is creation order). */
export type SortOrder = "asc" | "desc";

/** Cursors of a list page: pass `after` to get the next page, `before` the previous one. */
export interface ListMetadata {
  readonly before: string | null;
  readonly after: string | null;
}

/** The envelope every list endpoint answers with. */
export interface List<T> {
  readonly object: "list";
  readonly data: T[];
  readonly list_metadata: ListMetadata;
}

/** Paging parameters every list method accepts; the server defaults to `limit` 10 and `order` desc. */
export interface PageParams {
  /** 1 to 100. */
  readonly limit?: number;
  readonly before?: string;
  readonly after?: string;
  readonly order?: SortOrder;
}

export interface Organization {
  readonly object: "organization";
  readonly id: string;
  readonly name: string;
  readonly domains: string[];
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ApiKey {
  readonly object: "api_key";
  readonly id: string;
  readonly organization_id: string;
  readonly name: string;
  /** Present only in the answer that created the key. */
  readonly key?: string;
  readonly last4: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

/** The answer of `apiKeys.create`: the only time the secret is shown. */
export interface CreatedApiKey extends ApiKey {
  readonly key: string;
}

export interface DirectoryScim {
  readonly base_url: string;
  /** Present only when the directory is created; rotating gives a new one. */
  readonly token?: string;
}

/** One group → role rule of a directory's `role_mapping`. */
export interface RoleRule {
  /** A group's id, `idp_id` or name (case-insensitive). */
  readonly group: string;
  /** The role slug the group's members get. */
  readonly role: string;
  /** Higher ranks first; the first of a user's roles is its `role`. */
  readonly priority: number;
}

/**
 * The `connector` object of a pull directory: the type's own keys (`ldap`: `url`,
 * `bind_dn`, `password`, `base_dn`…; `scim pull`: `base_url`, `token`; `okta api`: `org_url`, `token` or
 * `client_id` + `private_key` (+ `key_id?`, `token_url?`), `include_app_groups?`; `google workspace`:
 * `service_account_key`, `admin_email`, `customer_id?`, `domain?`, `api_url?`, `token_url?`; `entra id`:
 * `tenant_id`, `client_id`, `client_secret` or `certificate` + `private_key`, `group_filter?`, `graph_url?`,
 * `token_url?`; `csv`: `path?`, `mapping?`)
 * and the sync settings every type shares. Credentials are sealed at rest and come back only as
 * `<key>_set: true`.
 */
/** One check of `directories.testConnector`: a credential or a permission, with what the provider said when it failed. */
export interface ConnectorCheck {
  readonly name: string;
  readonly ok: boolean;
  /** Never a secret. */
  readonly message: string;
}

/** The answer of `POST /directories/{id}/connector/test`: `ok` when every check passed. */
export interface ConnectorTestResult {
  readonly ok: boolean;
  readonly checks: readonly ConnectorCheck[];
}

export interface PullConnectorSettings {
  /** An interval (`"15m"`, `"1h"`) or a 5-field cron expression; left out: on demand only. */
  readonly schedule?: string | null;
  /** The mass-removal guard: a run removing more than this share of users (20 by default) waits in `needs_confirmation`. */
  readonly max_removal_percent?: number;
  /** What happens to users absent from the source (`deactivate` by default). */
  readonly removal?: "deactivate" | "delete";
  /** Scheduled delta runs still do a full run this often (`"24h"` by default). */
  readonly full_sync_interval?: string;
  readonly [key: string]: unknown;
}

export interface Directory {
  readonly object: "directory";
  readonly id: string;
  /** WorkOS's `external_key`: the key naming the directory in its SCIM endpoint (its id). */
  readonly external_key: string;
  readonly organization_id: string;
  readonly name: string;
  readonly type: DirectoryType;
  readonly state: DirectoryState;
  readonly domain: string | null;
  readonly metadata: {
    readonly users: { readonly active: number; readonly inactive: number };
    readonly groups: number;
  };
  readonly deactivated_members: DeactivatedMembersPolicy;
  /** Custom attribute name → source attribute path (`{}` when unset). */
  readonly attribute_mapping: Readonly<Record<string, string>>;
  /** Group → role rules (`[]` when unset). */
  readonly role_mapping: readonly RoleRule[];
  /** Ingest directories only. */
  readonly scim?: DirectoryScim;
  /** Pull directories only: the connector settings, credentials shown only as `<key>_set`. */
  readonly connector?: PullConnectorSettings;
  readonly deleted_at: string | null;
  /** A deleted directory: until when `directories.restore(id)` can undo the deletion; null while it is live. */
  readonly restorable_until: string | null;
  /** The newest of its last SCIM request, last sync run and last change (any event about it, its creation included). */
  readonly last_activity_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/** A freshly minted SCIM token for an ingest directory, shown only in this answer. */
export interface ScimToken {
  readonly object: "scim_token";
  readonly base_url: string;
  readonly token: string;
  /** When the previous token stops working; null when it stopped at once. */
  readonly previous_token_expires_at: string | null;
}

/** One SCIM request an identity provider sent a directory, as `GET /directories/{id}/scim_requests` lists it. */
export interface ScimRequest {
  readonly object: "scim_request";
  readonly id: string;
  readonly directory_id: string;
  readonly created_at: string;
  readonly method: string;
  /** The request's path (`/scim/v2/{directory}/Users…`), with its query. */
  readonly path: string;
  readonly status: number;
  readonly latency_ms: number;
  /** The SCIM error's detail when the request was refused. */
  readonly error_detail: string | null;
  /** The body as sent, secrets redacted, cut to 8 KiB. */
  readonly request_body: string | null;
  readonly user_agent: string | null;
}
