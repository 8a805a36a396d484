import type { DirectoryUser, DirectoryUserState } from "./directory-sync-types.js";
import { segment, type Transport } from "./http.js";
import type { List, PageParams } from "./types.js";

/**
 * Filters of `GET /directory_users`, combined with AND. The admin key must name `directory`,
 * `organization` or `group`; an organization key may name none (its whole organization).
 */
export interface DirectoryUserListParams extends PageParams {
  /** A directory id (`directory_…`). */
  readonly directory?: string;
  /** An organization id (`org_…`). */
  readonly organization?: string;
  /** A group id (`directory_group_…`): the group's members. */
  readonly group?: string;
  readonly state?: DirectoryUserState;
  /** The source's id for the user (SCIM `externalId`). */
  readonly idp_id?: string;
  /** Any of the user's addresses, case-insensitively. */
  readonly email?: string;
  /** A case-insensitive substring of the username, the primary email or the name (`first last`). */
  readonly search?: string;
}

/** `/directory_users`, read only (users are written by the source). Methods are plain functions. */
export interface DirectoryUsersApi {
  /** One page of users, each with its `groups`; newest first unless `order: "asc"`. */
  list(params?: DirectoryUserListParams): Promise<List<DirectoryUser>>;
  /** One user by id, with its groups; 404 `not_found` when unknown, foreign or in a deleted directory. */
  get(id: string): Promise<DirectoryUser>;
}

/** Binds the directory user methods to a transport. */
export function createDirectoryUsersApi(http: Transport): DirectoryUsersApi {
  return Object.freeze({
    list: (params: DirectoryUserListParams = {}) =>
      http.json<List<DirectoryUser>>({ method: "GET", path: "/directory_users", query: { ...params } }),
    get: (id: string) => http.json<DirectoryUser>({ method: "GET", path: `/directory_users/${segment(id)}` }),
  });
}
