import type { ApiKeyService } from "../auth/api-keys.js";
import type { DirectoryStore } from "../directory/index.js";
import type { DirectoryService } from "../tenancy/directories.js";
import type { OrganizationService } from "../tenancy/organizations.js";

/** The services the normalized API routes (and the SCIM plugin and the syncs: `store`) call. */
export interface ApiServices {
  /** The one directory store of this process. */
  readonly store: DirectoryStore;
  readonly organizations: OrganizationService;
  readonly apiKeys: ApiKeyService;
  readonly directories: DirectoryService;
}
