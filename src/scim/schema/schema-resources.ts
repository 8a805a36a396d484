import { URN } from "../../scim-resource/schema-urns.js";
import { ALL_SCHEMAS, findSchema } from "./schema-registry.js";
import type { AttributeDefinition, SchemaDefinition, ScimResourceName } from "./schema-types.js";

const SCHEMA_URN = "urn:ietf:params:scim:schemas:core:2.0:Schema";
const RESOURCE_TYPE_URN = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

/** A schema as served at `/Schemas/{id}` (RFC 7643 §7); it contains no nulls. */
export interface SchemaResource {
  readonly schemas: readonly string[];
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
  readonly meta: { readonly resourceType: "Schema"; readonly location: string };
}

/** A resource type as served at `/ResourceTypes/{id}` (RFC 7643 §6). */
export interface ResourceTypeResource {
  readonly schemas: readonly string[];
  readonly id: ScimResourceName;
  readonly name: ScimResourceName;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
  readonly meta: { readonly resourceType: "ResourceType"; readonly location: string };
}

function toSchemaResource(schema: SchemaDefinition, baseUrl: string): SchemaResource {
  return {
    schemas: [SCHEMA_URN],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

/** Every `/Schemas` resource, for a ListResponse; `baseUrl` is the SCIM base without a trailing slash. */
export function schemaResources(baseUrl: string): SchemaResource[] {
  return ALL_SCHEMAS.map((s) => toSchemaResource(s, baseUrl));
}

/** One `/Schemas/{id}` resource (the URN compared case-insensitively), or undefined. */
export function schemaResource(baseUrl: string, id: string): SchemaResource | undefined {
  const schema = findSchema(id);
  return schema ? toSchemaResource(schema, baseUrl) : undefined;
}

/** Every `/ResourceTypes` resource: User (with the enterprise extension) and Group. */
export function resourceTypeResources(baseUrl: string): ResourceTypeResource[] {
  const meta = (id: string) => ({ resourceType: "ResourceType" as const, location: `${baseUrl}/ResourceTypes/${id}` });
  return [
    {
      schemas: [RESOURCE_TYPE_URN],
      id: "User",
      name: "User",
      endpoint: "/Users",
      description: "User Account",
      schema: URN.user,
      schemaExtensions: [{ schema: URN.enterpriseUser, required: false }],
      meta: meta("User"),
    },
    {
      schemas: [RESOURCE_TYPE_URN],
      id: "Group",
      name: "Group",
      endpoint: "/Groups",
      description: "Group",
      schema: URN.group,
      schemaExtensions: [],
      meta: meta("Group"),
    },
  ];
}

/** One `/ResourceTypes/{id}` resource (`User` or `Group`, case-insensitive), or undefined. */
export function resourceTypeResource(baseUrl: string, id: string): ResourceTypeResource | undefined {
  return resourceTypeResources(baseUrl).find((r) => r.id.toLowerCase() === id.toLowerCase());
}
