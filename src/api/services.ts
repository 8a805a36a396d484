import type { ApiKeyService } from "../auth/api-keys.js";
import type { DirectoryService } from "../tenancy/directories.js";
import type { OrganizationService } from "../tenancy/organizations.js";

/** The services the normalized API routes call. */
export interface ApiServices {
  readonly organizations: OrganizationService;
  readonly apiKeys: ApiKeyService;
  readonly directories: DirectoryService;
}
