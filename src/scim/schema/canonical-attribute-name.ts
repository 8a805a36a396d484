import { findAttribute, resourceSchemas, schemaAttributes } from "./schema-registry.js";
import type { AttributeDefinition, SchemaDefinition, ScimResourceName } from "./schema-types.js";

/** An attribute name resolved against the registry. */
export interface ResolvedAttribute {
  /**
   * The canonical spelling: `userName`, `name.givenName` for the core schema; URN-qualified for
   * an extension (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`).
   */
  readonly path: string;
  /** The URN of the schema that defines the attribute. */
  readonly schema: string;
  /** True when the attribute lives under the schema's URN key in a resource (RFC 7643 §3.3). */
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute: AttributeDefinition | undefined;
  /** The definition the name denotes: the sub-attribute when there is one, else the attribute. */
  readonly definition: AttributeDefinition;
}

/** Splits a leading schema URN (RFC 7644 §3.10) off `name`; null when `name` names an unknown URN. */
function splitSchema(
  resource: ScimResourceName,
  name: string,
): { schema: SchemaDefinition | undefined; rest: string } | null {
  const { core, extensions } = resourceSchemas(resource);
  const lower = name.toLowerCase();
  const schema = [core, ...extensions].find((s) => lower.startsWith(`${s.id.toLowerCase()}:`));
  if (schema) return { schema, rest: name.slice(schema.id.length + 1) };
  return lower.startsWith("urn:") ? null : { schema: undefined, rest: name };
}

function findOwner(resource: ScimResourceName, schema: SchemaDefinition | undefined, attributeName: string) {
  const { core, extensions } = resourceSchemas(resource);
  // RFC 7643 §3.3: unqualified names are looked up in the core schema first, then the extensions.
  const candidates = schema ? [schema] : [core, ...extensions];
  for (const candidate of candidates) {
    const attribute = findAttribute(schemaAttributes(resource, candidate), attributeName);
    if (attribute) return { owner: candidate, attribute, extension: candidate !== core };
  }
  return undefined;
}

/**
 * Resolves a case-insensitive attribute name (`Active`, `name.GivenName`,
 * `urn:ietf:params:scim:schemas:core:2.0:User:userName`, `urn:…:enterprise:2.0:User:manager.value`,
 * or an unqualified extension attribute such as `department`) to its canonical spelling and
 * definition; undefined when the resource has no such attribute.
 */
export function canonicalAttributeName(resource: ScimResourceName, name: string): ResolvedAttribute | undefined {
  const split = splitSchema(resource, name);
  if (!split) return undefined;
  const [attributeName = "", subName, ...extra] = split.rest.split(".");
  if (extra.length > 0) return undefined;
  const found = findOwner(resource, split.schema, attributeName);
  if (!found) return undefined;
  const subAttribute = subName === undefined ? undefined : findAttribute(found.attribute.subAttributes, subName);
  if (subName !== undefined && !subAttribute) return undefined;
  const local = subAttribute ? `${found.attribute.name}.${subAttribute.name}` : found.attribute.name;
  return Object.freeze({
    path: found.extension ? `${found.owner.id}:${local}` : local,
    schema: found.owner.id,
    extension: found.extension,
    attribute: found.attribute,
    subAttribute,
    definition: subAttribute ?? found.attribute,
  });
}
