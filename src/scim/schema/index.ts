export { type ResolvedAttribute, canonicalAttributeName } from "./canonical-attribute-name.js";
export { EXTERNAL_ID_ATTRIBUTE, ID_ATTRIBUTE, META_ATTRIBUTE } from "./common-attributes.js";
export { CORE_USER_SCHEMA } from "./core-user-schema.js";
export { ENTERPRISE_USER_SCHEMA, MANAGER_ATTRIBUTE } from "./enterprise-user-schema.js";
export { GROUP_SCHEMA, MEMBERS_ATTRIBUTE } from "./group-schema.js";
export {
  ALL_SCHEMAS,
  findAttribute,
  findExtensionSchema,
  findSchema,
  type ResourceSchemas,
  resourceSchemas,
} from "./schema-registry.js";
export {
  type ResourceTypeResource,
  resourceTypeResource,
  resourceTypeResources,
  type SchemaResource,
  schemaResource,
  schemaResources,
} from "./schema-resources.js";
export type {
  AttributeDefinition,
  AttributeType,
  Mutability,
  Returned,
  SchemaDefinition,
  ScimResourceName,
  Uniqueness,
} from "./schema-types.js";
