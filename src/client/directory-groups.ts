import type { DirectoryGroup } from "./directory-sync-types.js";
import { segment, type Transport } from "./http.js";
import type { List, PageParams } from "./types.js";

/**
 * Filters of `GET /directory_groups`, combined with AND. The admin key must name `directory`,
 * `organization` or `user`; an organization key may name none (its whole organization).
 */
export interface DirectoryGroupListParams extends PageParams {
  /** A directory id (`directory_…`). */
  readonly directory?: string;
  /** An organization id (`org_…`). */
  readonly organization?: string;
  /** A user id (`directory_user_…`): the user's groups. */
  readonly user?: string;
  /** A case-insensitive substring of the group's name. */
  readonly search?: string;
}

/** `/directory_groups`, read only (groups are written by the source). Methods are plain functions. */
export interface DirectoryGroupsApi {
  /** One page of groups; newest first unless `order: "asc"`. */
  list(params?: DirectoryGroupListParams): Promise<List<DirectoryGroup>>;
  /** One group by id; 404 `not_found` when unknown, foreign or in a deleted directory. */
  get(id: string): Promise<DirectoryGroup>;
}

/** Binds the directory group methods to a transport. */
export function createDirectoryGroupsApi(http: Transport): DirectoryGroupsApi {
  return Object.freeze({
    list: (params: DirectoryGroupListParams = {}) =>
      http.json<List<DirectoryGroup>>({ method: "GET", path: "/directory_groups", query: { ...params } }),
    get: (id: string) => http.json<DirectoryGroup>({ method: "GET", path: `/directory_groups/${segment(id)}` }),
  });
}
