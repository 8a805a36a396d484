import { segment, type Transport } from "./http.js";
import type { List, Organization, PageParams } from "./types.js";

export interface CreateOrganizationInput {
  readonly name: string;
  readonly domains?: readonly string[];
}

export interface UpdateOrganizationInput {
  readonly name?: string;
  /** Replaces the whole list. */
  readonly domains?: readonly string[];
}

export interface OrganizationListParams extends PageParams {
  /** Case-insensitive substring of the name. */
  readonly search?: string;
}

/** `/organizations`. Methods are plain functions: pass them around unbound (e.g. to `iterate`). */
export interface OrganizationsApi {
  /** Creates an organization (admin key only). */
  create(input: CreateOrganizationInput): Promise<Organization>;
  /** One page of organizations; an organization key sees only its own. */
  list(params?: OrganizationListParams): Promise<List<Organization>>;
  /** One organization by id; 404 `not_found` when it does not exist or is out of the key's reach. */
  get(id: string): Promise<Organization>;
  /** Changes the name and/or domains. */
  update(id: string, input: UpdateOrganizationInput): Promise<Organization>;
  /** Deletes an organization (admin key only); 409 while it still has directories. */
  delete(id: string): Promise<void>;
}

/** Binds the organization methods to a transport. */
export function createOrganizationsApi(http: Transport): OrganizationsApi {
  const path = (id: string) => `/organizations/${segment(id)}`;
  return Object.freeze({
    create: (input: CreateOrganizationInput) =>
      http.json<Organization>({ method: "POST", path: "/organizations", body: input }),
    list: (params: OrganizationListParams = {}) =>
      http.json<List<Organization>>({ method: "GET", path: "/organizations", query: { ...params } }),
    get: (id: string) => http.json<Organization>({ method: "GET", path: path(id) }),
    update: (id: string, input: UpdateOrganizationInput) =>
      http.json<Organization>({ method: "PATCH", path: path(id), body: input }),
    delete: (id: string) => http.send({ method: "DELETE", path: path(id) }),
  });
}
