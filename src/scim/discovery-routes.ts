import type { FastifyInstance } from "fastify";
import type { Deps } from "../core/deps.js";
import { scimBaseUrl } from "../tenancy/directory-object.js";
import { createScimError } from "./errors.js";
import { MAX_RESULTS } from "./list-params.js";
import { URN } from "../scim-resource/schema-urns.js";
import { resourceTypeResource, resourceTypeResources, schemaResource, schemaResources } from "./schema/index.js";
import { requireScimDirectory } from "./scim-directory.js";
import { serviceProviderConfig } from "./service-provider-config.js";

export const BULK_MAX_OPERATIONS = 1000;

function list<T>(resources: T[]) {
  return {
    schemas: [URN.listResponse],
    totalResults: resources.length,
    itemsPerPage: resources.length,
    startIndex: 1,
    Resources: resources,
  };
}

/** RFC 7644 §4: /ServiceProviderConfig, /ResourceTypes, /Schemas, telling the truth about support. */
export async function discoveryRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  const base = (request: Parameters<typeof requireScimDirectory>[0]) =>
    scimBaseUrl(deps.config.publicUrl, requireScimDirectory(request).id);

  app.get("/:directoryId/ServiceProviderConfig", async (request) =>
    serviceProviderConfig(base(request), {
      maxOperations: BULK_MAX_OPERATIONS,
      maxPayloadSize: deps.config.bodyLimitBytes,
      maxResults: MAX_RESULTS,
    }),
  );
  app.get("/:directoryId/ResourceTypes", async (request) => list(resourceTypeResources(base(request))));
  app.get<{ Params: { id: string } }>("/:directoryId/ResourceTypes/:id", async (request) => {
    const found = resourceTypeResource(base(request), request.params.id);
    if (!found) throw createScimError(404, { detail: `No resource type ${request.params.id}` });
    return found;
  });
  app.get("/:directoryId/Schemas", async (request) => list(schemaResources(base(request))));
  app.get<{ Params: { id: string } }>("/:directoryId/Schemas/:id", async (request) => {
    const found = schemaResource(base(request), request.params.id);
    if (!found) throw createScimError(404, { detail: `No schema ${request.params.id}` });
    return found;
  });
}
