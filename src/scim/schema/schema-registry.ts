import { ID_ATTRIBUTE, META_ATTRIBUTE } from "./common-attributes.js";
import { CORE_USER_SCHEMA } from "./core-user-schema.js";
import { ENTERPRISE_USER_SCHEMA } from "./enterprise-user-schema.js";
import { GROUP_SCHEMA } from "./group-schema.js";
import type { AttributeDefinition, SchemaDefinition, ScimResourceName } from "./schema-types.js";

/** The schemas of one resource type: its core schema and its extensions (RFC 7643 §6). */
export interface ResourceSchemas {
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}

const RESOURCE_SCHEMAS: Readonly<Record<ScimResourceName, ResourceSchemas>> = Object.freeze({
  User: Object.freeze({ core: CORE_USER_SCHEMA, extensions: Object.freeze([ENTERPRISE_USER_SCHEMA]) }),
  Group: Object.freeze({ core: GROUP_SCHEMA, extensions: Object.freeze([]) }),
});

/** Every schema Roster serves at `/Schemas`, in a stable order. */
export const ALL_SCHEMAS: readonly SchemaDefinition[] = Object.freeze([
  CORE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
]);

/** RFC 7643 §3.1: common attributes belong to every resource though no schema lists them all. */
const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = Object.freeze([ID_ATTRIBUTE, META_ATTRIBUTE]);

export function resourceSchemas(resource: ScimResourceName): ResourceSchemas {
  return RESOURCE_SCHEMAS[resource];
}

/** A schema by its URN, compared case-insensitively. */
export function findSchema(id: string): SchemaDefinition | undefined {
  const lower = id.toLowerCase();
  return ALL_SCHEMAS.find((s) => s.id.toLowerCase() === lower);
}

/** The extension schema of `resource` whose URN is exactly `key` (case-insensitive), e.g. a path-less value's URN key. */
export function findExtensionSchema(resource: ScimResourceName, key: string): SchemaDefinition | undefined {
  const lower = key.toLowerCase();
  return RESOURCE_SCHEMAS[resource].extensions.find((s) => s.id.toLowerCase() === lower);
}

/** RFC 7643 §2.1: attribute names are case-insensitive. */
export function findAttribute(
  attributes: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return attributes?.find((a) => a.name.toLowerCase() === lower);
}

/** The attributes a name in `schema` may denote: the core schema also owns the common attributes. */
export function schemaAttributes(resource: ScimResourceName, schema: SchemaDefinition): readonly AttributeDefinition[] {
  return schema === RESOURCE_SCHEMAS[resource].core ? [...schema.attributes, ...COMMON_ATTRIBUTES] : schema.attributes;
}
