import type { DirectoryUser } from "./directory-sync-types.js";
import { type RequestOptions, segment, type Transport } from "./http.js";
import type {
  ConnectorTestResult,
  DeactivatedMembersPolicy,
  Directory,
  DirectoryType,
  List,
  PageParams,
  PullConnectorSettings,
  RoleRule,
  ScimRequest,
  ScimToken,
} from "./types.js";

export interface CreateDirectoryInput {
  /** Required with the admin key; an organization key defaults to its own organization. */
  readonly organization_id?: string;
  readonly name: string;
  readonly type: DirectoryType;
  readonly domain?: string | null;
  readonly deactivated_members?: DeactivatedMembersPolicy;
  /** Pull types (`ldap`, `scim pull`, `csv`, `okta api`, `google workspace`, `entra id`): how to reach the source and when to sync (a `csv` directory may leave it out and live on uploads). */
  readonly connector?: PullConnectorSettings;
}

export interface UpdateDirectoryInput {
  readonly name?: string;
  readonly domain?: string | null;
  readonly deactivated_members?: DeactivatedMembersPolicy;
  /**
   * Custom attribute name → source attribute path (e.g. `department` →
   * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`); replaces the whole
   * mapping and re-applies it to every user before the answer. `null` clears it.
   */
  readonly attribute_mapping?: Readonly<Record<string, string>> | null;
  /** Group → role rules; replaces the whole list and re-applies it. `null` clears it. */
  readonly role_mapping?: readonly RoleRule[] | null;
  /** Pull directories: keys given replace the stored ones, `null` removes one, credentials left out are kept. */
  readonly connector?: Readonly<Record<string, unknown>>;
}

export interface MappingPreviewInput {
  /** The id of one of the directory's users. */
  readonly user: string;
  /** The attribute mapping to try; left out: the saved one; `null`: none. */
  readonly attribute_mapping?: Readonly<Record<string, string>> | null;
  /** The group → role rules to try; left out: the saved ones; `null`: none. */
  readonly role_mapping?: readonly RoleRule[] | null;
}

export interface DirectoryListParams extends PageParams {
  readonly organization_id?: string;
  /** Case-insensitive substring of the name. */
  readonly search?: string;
  /** Also list soft-deleted directories (state `deleting`). */
  readonly include_deleted?: boolean;
}

export interface ScimRequestListParams extends PageParams {
  /** Only requests answered with this HTTP status. */
  readonly status?: number;
  /** Only requests answered with a 4xx or 5xx. */
  readonly errors_only?: boolean;
}

export interface RotateScimTokenInput {
  /** How long the previous token keeps working; the server's default (usually 0) when left out. */
  readonly grace_period_seconds?: number;
}

/** `/directories`. Methods are plain functions: pass them around unbound (e.g. to `iterate`). */
export interface DirectoriesApi {
  /** Creates a directory; for ingest types `scim.token` is in this answer only. */
  create(input: CreateDirectoryInput): Promise<Directory>;
  /** One page of directories, deleted ones left out unless `include_deleted`. */
  list(params?: DirectoryListParams): Promise<List<Directory>>;
  /** One directory by id; 404 `not_found` when unknown or out of the key's reach. */
  get(id: string): Promise<Directory>;
  /** Changes the name, domain, policy or mappings; a mapping change re-applies to every user first. */
  update(id: string, input: UpdateDirectoryInput): Promise<Directory>;
  /** Soft delete: state `deleting`, tokens stop working, restorable for ROSTER_RESTORE_DAYS. */
  delete(id: string): Promise<Directory>;
  /** Undoes a soft delete; 409 `directory_not_deleted` when it was not deleted. */
  restore(id: string): Promise<Directory>;
  /** Mints a new SCIM token (shown only in this answer); the old one ends now or after the grace period. */
  rotateScimToken(id: string, input?: RotateScimTokenInput): Promise<ScimToken>;
  /** One page of the SCIM requests the identity provider sent this directory (the last 1,000 kept), newest first. */
  scimRequests(id: string, params?: ScimRequestListParams): Promise<List<ScimRequest>>;
  /**
   * Checks a pull directory's stored connector settings against the provider (reachable, credentials
   * accepted, each list a run reads readable) and writes nothing. 422 `connector_test_unsupported` for a
   * type without a test (csv), 409 `not_a_pull_directory` for an ingest directory.
   */
  testConnector(id: string, options?: RequestOptions): Promise<ConnectorTestResult>;
  /**
   * The user as it would read under the given mappings (`custom_attributes`, `role`, `roles`), saving
   * nothing: 422 `validation_error` naming each invalid rule, or a `user` that is not the directory's.
   */
  previewMapping(id: string, input: MappingPreviewInput): Promise<DirectoryUser>;
}

/** Binds the directory methods to a transport. */
export function createDirectoriesApi(http: Transport): DirectoriesApi {
  const path = (id: string) => `/directories/${segment(id)}`;
  return Object.freeze({
    create: (input: CreateDirectoryInput) =>
      http.json<Directory>({ method: "POST", path: "/directories", body: input }),
    list: (params: DirectoryListParams = {}) =>
      http.json<List<Directory>>({ method: "GET", path: "/directories", query: { ...params } }),
    get: (id: string) => http.json<Directory>({ method: "GET", path: path(id) }),
    update: (id: string, input: UpdateDirectoryInput) =>
      http.json<Directory>({ method: "PATCH", path: path(id), body: input }),
    delete: (id: string) => http.json<Directory>({ method: "DELETE", path: path(id) }),
    restore: (id: string) => http.json<Directory>({ method: "POST", path: `${path(id)}/restore` }),
    rotateScimToken: (id: string, input: RotateScimTokenInput = {}) =>
      http.json<ScimToken>({ method: "POST", path: `${path(id)}/scim_token`, body: input }),
    scimRequests: (id: string, params: ScimRequestListParams = {}) =>
      http.json<List<ScimRequest>>({ method: "GET", path: `${path(id)}/scim_requests`, query: { ...params } }),
    testConnector: (id: string, options: RequestOptions = {}) =>
      http.json<ConnectorTestResult>({ method: "POST", path: `${path(id)}/connector/test`, signal: options.signal }),
    previewMapping: (id: string, input: MappingPreviewInput) =>
      http.json<DirectoryUser>({ method: "POST", path: `${path(id)}/mapping_preview`, body: input }),
  });
}
