import { segment, type Transport } from "./http.js";
import type { ApiKey, CreatedApiKey, List, PageParams } from "./types.js";

export interface CreateApiKeyInput {
  /** A label to tell keys apart; "default" when left out. */
  readonly name?: string;
}

/** `/organizations/{id}/api_keys`, admin key only. Methods are plain functions. */
export interface ApiKeysApi {
  /** Mints an organization key; `key` (`sk_…`) is in this answer only, Roster keeps a hash. */
  create(organizationId: string, input?: CreateApiKeyInput): Promise<CreatedApiKey>;
  /** One page of the organization's keys (without secrets). */
  list(organizationId: string, params?: PageParams): Promise<List<ApiKey>>;
  /** Revokes a key at once. */
  revoke(organizationId: string, keyId: string): Promise<void>;
}

/** Binds the API key methods to a transport. */
export function createApiKeysApi(http: Transport): ApiKeysApi {
  const keys = (organizationId: string) => `/organizations/${segment(organizationId)}/api_keys`;
  return Object.freeze({
    create: (organizationId: string, input: CreateApiKeyInput = {}) =>
      http.json<CreatedApiKey>({ method: "POST", path: keys(organizationId), body: input }),
    list: (organizationId: string, params: PageParams = {}) =>
      http.json<List<ApiKey>>({ method: "GET", path: keys(organizationId), query: { ...params } }),
    revoke: (organizationId: string, keyId: string) =>
      http.send({ method: "DELETE", path: `${keys(organizationId)}/${segment(keyId)}` }),
  });
}
