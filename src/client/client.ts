import { type ApiKeysApi, createApiKeysApi } from "./api-keys.js";
import { type AuditLogApi, createAuditLogApi } from "./audit-log.js";
import { createDirectoriesApi, type DirectoriesApi } from "./directories.js";
import { createDirectoryGroupsApi, type DirectoryGroupsApi } from "./directory-groups.js";
import { createDirectorySyncsApi, type DirectorySyncsApi } from "./directory-syncs.js";
import { createDirectoryUsersApi, type DirectoryUsersApi } from "./directory-users.js";
import { createEventsApi, type EventsApi } from "./events.js";
import { createTransport } from "./http.js";
import { createOrganizationsApi, type OrganizationsApi } from "./organizations.js";
import { createPortalApi, type PortalApi } from "./portal.js";
import { createSystemApi, type SystemApi } from "./system.js";
import { createWebhookEndpointsApi, type WebhookEndpointsApi } from "./webhook-endpoints.js";

export interface RosterClientOptions {
  /** Where Roster listens, e.g. `https://roster.example.com` (no trailing path needed). */
  readonly baseUrl: string;
  /** The admin key or an organization key (`sk_…`). */
  readonly apiKey: string;
  /** A fetch implementation; the global one by default. */
  readonly fetch?: typeof fetch;
  /** Per-request timeout; 30 000 ms by default. */
  readonly timeoutMs?: number;
}

export interface RosterClient {
  readonly organizations: OrganizationsApi;
  readonly apiKeys: ApiKeysApi;
  /** `GET /audit_log`: administrative actions. */
  readonly auditLog: AuditLogApi;
  readonly directories: DirectoriesApi;
  readonly directoryUsers: DirectoryUsersApi;
  readonly directoryGroups: DirectoryGroupsApi;
  /** Sync runs of pull directories (LDAP, SCIM pull, CSV). */
  readonly directorySyncs: DirectorySyncsApi;
  readonly events: EventsApi;
  readonly webhookEndpoints: WebhookEndpointsApi;
  /** Setup links for a customer's IT admin. */
  readonly portal: PortalApi;
  /** `/health` and `/ready`. */
  readonly system: SystemApi;
}

/**
 * A typed client of Roster's normalized API. It keeps no state between requests, so one client
 * can serve concurrent callers. Every failure is a `RosterApiError`.
 *
 * @example
 * const roster = createRosterClient({ baseUrl: "http://127.0.0.1:8080", apiKey: process.env.ROSTER_KEY! });
 * const org = await roster.organizations.create({ name: "Acme", domains: ["acme.com"] });
 */
export function createRosterClient(options: RosterClientOptions): RosterClient {
  if (!/^https?:\/\//i.test(options.baseUrl))
    throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
  if (!options.apiKey) throw new TypeError("apiKey is required");
  const http = createTransport(options);
  return Object.freeze({
    organizations: createOrganizationsApi(http),
    apiKeys: createApiKeysApi(http),
    directories: createDirectoriesApi(http),
    directoryUsers: createDirectoryUsersApi(http),
    directoryGroups: createDirectoryGroupsApi(http),
    directorySyncs: createDirectorySyncsApi(http),
    events: createEventsApi(http),
    auditLog: createAuditLogApi(http),
    webhookEndpoints: createWebhookEndpointsApi(http),
    portal: createPortalApi(http),
    system: createSystemApi(http),
  });
}
