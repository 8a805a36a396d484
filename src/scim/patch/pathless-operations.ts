import { createScimError } from "../errors.js";
import {
  canonicalAttributeName,
  findExtensionSchema,
  ID_ATTRIBUTE,
  type SchemaDefinition,
  type ScimResourceName,
} from "../schema/index.js";
import { assignOperations } from "./assign-operations.js";
import { isPlainObject } from "./json-guards.js";
import { parsePatchPath } from "./patch-path.js";
import type { PatchOperation, PatchTarget } from "./patch-types.js";

export interface PathlessContext {
  readonly resource: ScimResourceName;
  readonly op: "add" | "replace";
  readonly resourceId: string | undefined;
}

function targetOf(resource: ScimResourceName, key: string): PatchTarget | undefined {
  if (key.includes("[")) return parsePatchPath(resource, key);
  const resolved = canonicalAttributeName(resource, key);
  if (!resolved) return undefined;
  return {
    schema: resolved.schema,
    extension: resolved.extension,
    attribute: resolved.attribute,
    filter: undefined,
    subAttribute: resolved.subAttribute,
  };
}

/** Okta sends the readOnly `id` inside rename values: ignored when it is the resource's own id. */
function checkSameId(value: unknown, context: PathlessContext): void {
  if (context.resourceId === undefined || value === context.resourceId) return;
  throw createScimError(400, { detail: 'Cannot modify "id": the attribute is readOnly', scimType: "mutability" });
}

function extensionOperations(context: PathlessContext, extension: SchemaDefinition, value: unknown): PatchOperation[] {
  if (value === null || value === "") {
    return extension.attributes.flatMap((attribute) =>
      assignOperations(
        context.op,
        { schema: extension.id, extension: true, attribute, filter: undefined, subAttribute: undefined },
        null,
        "value",
      ),
    );
  }
  if (!isPlainObject(value))
    throw createScimError(400, {
      detail: `Invalid value for "${extension.id}": expected an object`,
      scimType: "invalidValue",
    });
  return Object.entries(value).flatMap(([key, item]) => keyOperations(context, `${extension.id}:${key}`, item));
}

function keyOperations(context: PathlessContext, key: string, value: unknown): PatchOperation[] {
  if (key.toLowerCase() === "schemas") return [];
  const extension = findExtensionSchema(context.resource, key);
  if (extension) return extensionOperations(context, extension, value);
  const target = targetOf(context.resource, key);
  // Unknown keys are ignored, as in a PUT: IdPs send custom attributes Roster does not model.
  if (!target) return [];
  if (target.attribute === ID_ATTRIBUTE) {
    checkSameId(value, context);
    return [];
  }
  return assignOperations(context.op, target, value, "value");
}

/**
 * RFC 7644 §3.5.2.1/§3.5.2.3 without `path`: the value holds the attributes to change. Each key
 * is an attribute path of its own: plain (`active`), dotted (`name.givenName`), URN-qualified
 * (`urn:…:enterprise:2.0:User:employeeNumber`) or an extension URN holding an object.
 */
export function pathlessOperations(context: PathlessContext, value: unknown): PatchOperation[] {
  if (!isPlainObject(value)) {
    throw createScimError(400, {
      detail: `An "${context.op}" without a path needs an object value (RFC 7644 §3.5.2)`,
      scimType: "invalidSyntax",
    });
  }
  return Object.entries(value).flatMap(([key, item]) => keyOperations(context, key, item));
}
