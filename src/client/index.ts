// `@rostersync/client`: the typed SDK, published as a package of its own with no runtime dependencies. Everything a caller needs, and nothing internal.

export type { ApiKeysApi, CreateApiKeyInput } from "./api-keys.js";
export type { AuditActorKind, AuditEntry, AuditLogApi, AuditLogListParams } from "./audit-log.js";
export { createRosterClient, type RosterClient, type RosterClientOptions } from "./client.js";
export type {
  CreateDirectoryInput,
  DirectoriesApi,
  DirectoryListParams,
  MappingPreviewInput,
  RotateScimTokenInput,
  ScimRequestListParams,
  UpdateDirectoryInput,
} from "./directories.js";
export type { DirectoryGroupListParams, DirectoryGroupsApi } from "./directory-groups.js";
export type {
  DirectoryGroup,
  DirectoryUser,
  DirectoryUserEmail,
  DirectoryUserRole,
  DirectoryUserState,
} from "./directory-sync-types.js";
export type { DirectorySyncsApi, DryRunOption, StartSyncOptions } from "./directory-syncs.js";
export type { DirectoryUserListParams, DirectoryUsersApi } from "./directory-users.js";
export { RosterApiError, type RosterApiErrorInit, type RosterFieldError } from "./errors.js";
export { TAIL_INTERVAL_MS, type TailOptions } from "./event-tail.js";
export {
  ROSTER_EVENT_TYPES,
  type RosterEvent,
  type RosterEventType,
  type RosterEventTypeInfo,
  type WebhookEvent,
} from "./event-types.js";
export type { EventListParams, EventsApi, EventTailParams } from "./events.js";
export type { RequestOptions } from "./http.js";
export type {
  CreateOrganizationInput,
  OrganizationListParams,
  OrganizationsApi,
  UpdateOrganizationInput,
} from "./organizations.js";
export type { GeneratePortalLinkInput, PortalApi } from "./portal.js";
export type { ReadyStatus, SystemApi } from "./system.js";
export { autoPaginate, iterate, type ListFunction, listAll } from "./pagination.js";
export type {
  SyncRun,
  SyncRunChange,
  SyncRunGroupCounts,
  SyncRunMode,
  SyncRunPhase,
  SyncRunProgress,
  SyncRunRecordError,
  SyncRunState,
  SyncRunTrigger,
  SyncRunUserCounts,
} from "./sync-run-types.js";
export { WAIT_INTERVAL_MS, type WaitForRunOptions } from "./sync-run-wait.js";
export type {
  ApiKey,
  ConnectorCheck,
  ConnectorTestResult,
  CreatedApiKey,
  DeactivatedMembersPolicy,
  Directory,
  DirectoryScim,
  DirectoryState,
  DirectoryType,
  List,
  ListMetadata,
  Organization,
  PageParams,
  PullConnectorSettings,
  RoleRule,
  ScimRequest,
  ScimToken,
  SortOrder,
} from "./types.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from "./verify-webhook.js";
export type {
  CreateWebhookEndpointInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveryListParams,
  WebhookEndpointListParams,
  WebhookEndpointsApi,
} from "./webhook-endpoints.js";
export type {
  CreatedWebhookEndpoint,
  ReplayDeliveriesInput,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEndpoint,
  WebhookReplayResult,
  WebhookTestResult,
} from "./webhook-types.js";
