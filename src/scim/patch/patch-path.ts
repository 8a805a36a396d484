import { type Filter, parse, stringify } from "scim2-parse-filter";
import { createScimError } from "../errors.js";
import {
  type AttributeDefinition,
  canonicalAttributeName,
  findAttribute,
  type ScimResourceName,
} from "../schema/index.js";
import type { PatchTarget } from "./patch-types.js";

const SUB_ATTRIBUTE = /^\.([A-Za-z$][\w$-]*)$/;

function invalidPath(path: string, why: string) {
  return createScimError(400, { detail: `Invalid path "${path}": ${why}`, scimType: "invalidPath" });
}

/** Splits `attr[filter].sub` into its three parts; the filter may itself contain dots, colons and brackets. */
function splitValuePath(path: string): { head: string; filter: string | undefined; sub: string | undefined } {
  const open = path.indexOf("[");
  if (open < 0) return { head: path, filter: undefined, sub: undefined };
  const close = path.lastIndexOf("]");
  if (close < open) throw invalidPath(path, "unbalanced brackets");
  const tail = path.slice(close + 1);
  const sub = tail === "" ? undefined : SUB_ATTRIBUTE.exec(tail)?.[1];
  if (tail !== "" && sub === undefined) throw invalidPath(path, `unexpected "${tail}" after the value filter`);
  return { head: path.slice(0, open), filter: path.slice(open + 1, close), sub };
}

function canonicalFilter(filter: Filter, attribute: AttributeDefinition, path: string): Filter {
  switch (filter.op) {
    case "and":
    case "or":
      return { op: filter.op, filters: filter.filters.map((f) => canonicalFilter(f, attribute, path)) };
    case "not":
      return { op: "not", filter: canonicalFilter(filter.filter, attribute, path) };
    case "[]":
      throw createScimError(400, {
        detail: `Invalid path "${path}": value filters cannot nest`,
        scimType: "invalidFilter",
      });
    default: {
      const sub = findAttribute(attribute.subAttributes, filter.attrPath);
      if (!sub) throw invalidPath(path, `"${attribute.name}" has no sub-attribute "${filter.attrPath}"`);
      if (filter.op === "pr") return { op: "pr", attrPath: sub.name };
      return { op: filter.op, attrPath: sub.name, compValue: canonicalCompValue(sub, filter.compValue) };
    }
  }
}

/** Entra-style string booleans are accepted inside filters too (`primary eq "True"`). */
function canonicalCompValue(
  sub: AttributeDefinition,
  value: boolean | null | number | string,
): boolean | null | number | string {
  if (sub.type === "boolean" && typeof value === "string" && /^(true|false)$/i.test(value))
    return value.toLowerCase() === "true";
  return value;
}

function parseFilter(text: string, attribute: AttributeDefinition, path: string): Filter {
  if (attribute.type !== "complex")
    throw invalidPath(path, `"${attribute.name}" is not a complex attribute and cannot be filtered`);
  let parsed: Filter;
  try {
    parsed = parse(text);
  } catch (cause) {
    throw createScimError(400, { detail: `Invalid value filter in path "${path}"`, scimType: "invalidFilter", cause });
  }
  return canonicalFilter(parsed, attribute, path);
}

/**
 * Parses an RFC 7644 §3.5.2 `path` (`attrPath` or `valuePath [subAttr]`, optionally URN-qualified)
 * into a target whose names are canonical; an unknown attribute is 400 invalidPath.
 */
export function parsePatchPath(resource: ScimResourceName, path: string): PatchTarget {
  const parts = splitValuePath(path.trim());
  const resolved = canonicalAttributeName(resource, parts.head);
  if (!resolved) throw invalidPath(path, "no such attribute");
  if (parts.filter !== undefined && resolved.subAttribute)
    throw invalidPath(path, "a value filter must follow the attribute name");
  const filter = parts.filter === undefined ? undefined : parseFilter(parts.filter, resolved.attribute, path);
  const subAttribute =
    parts.sub === undefined ? resolved.subAttribute : findAttribute(resolved.attribute.subAttributes, parts.sub);
  if (!subAttribute && parts.sub !== undefined)
    throw invalidPath(path, `"${resolved.attribute.name}" has no sub-attribute "${parts.sub}"`);
  return {
    schema: resolved.schema,
    extension: resolved.extension,
    attribute: resolved.attribute,
    filter,
    subAttribute,
  };
}

/** The canonical text of a target, e.g. `emails[type eq "work"].value` or `urn:…:enterprise:2.0:User:manager`. */
export function renderPath(target: PatchTarget): string {
  const prefix = target.extension ? `${target.schema}:` : "";
  const filter = target.filter ? `[${stringify(target.filter)}]` : "";
  const sub = target.subAttribute ? `.${target.subAttribute.name}` : "";
  return `${prefix}${target.attribute.name}${filter}${sub}`;
}
