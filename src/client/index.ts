// `roster/client`: the typed SDK (SPEC §7). Everything a caller needs, and nothing internal.

export type { ApiKeysApi, CreateApiKeyInput } from "./api-keys.js";
export { createRosterClient, type RosterClient, type RosterClientOptions } from "./client.js";
export type { CreateDirectoryInput, DirectoriesApi, DirectoryListParams, RotateScimTokenInput, UpdateDirectoryInput } from "./directories.js";
export { RosterApiError, type RosterApiErrorInit, type RosterFieldError } from "./errors.js";
export type { CreateOrganizationInput, OrganizationListParams, OrganizationsApi, UpdateOrganizationInput } from "./organizations.js";
export { autoPaginate, iterate, type ListFunction, listAll } from "./pagination.js";
export type {
  ApiKey,
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
  ScimToken,
  SortOrder,
} from "./types.js";
