import { type Expression, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import {
  type ComplexAttribute,
  lookup,
  type ResolvedAttribute,
  type ResourceCatalog,
  resolveAttribute,
  type SubAttributes,
  unknownAttribute,
} from "./attribute-catalog.js";
import { invalidFilter, quoted } from "./filter-error.js";
import { groupCatalog } from "./group-attributes.js";
import { type LeafAttribute, negate } from "./leaf-attributes.js";
import type { Compare, Filter, ValuePath } from "./parse-filter.js";
import { userCatalog } from "./user-attributes.js";

export type FilterResource = "User" | "Group";

type Resolve = (path: string) => ResolvedAttribute;

const ALWAYS = sql<SqlBool>`1 = 1`;

// Balanced, so a long `or` chain stays far below SQLite's expression depth limit (1000).
function combine(conditions: readonly Expression<SqlBool>[], op: "and" | "or"): Expression<SqlBool> {
  const [first] = conditions;
  if (first === undefined) throw invalidFilter(`"${op}" needs at least one operand`);
  if (conditions.length === 1) return first;
  const mid = conditions.length >> 1;
  const word = op === "and" ? sql`and` : sql`or`;
  return sql<SqlBool>`(${combine(conditions.slice(0, mid), op)} ${word} ${combine(conditions.slice(mid), op)})`;
}

function subAttribute(subs: SubAttributes, sub: string, path: string): LeafAttribute {
  return lookup(subs, sub.toLowerCase()) ?? unknownAttribute(path);
}

function complexPresent(complex: ComplexAttribute): Expression<SqlBool> {
  return combine(
    Object.values(complex.children).map((child) => (child.kind === "leaf" ? child.present() : complexPresent(child))),
    "or",
  );
}

function present(attribute: ResolvedAttribute, path: string): Expression<SqlBool> {
  if (attribute.kind === "leaf") return attribute.leaf.present();
  if (attribute.kind === "complex") return complexPresent(attribute.complex);
  const { sub } = attribute;
  return attribute.multi.some((subs) => (sub === null ? ALWAYS : subAttribute(subs, sub, path).present()));
}

/** Multi-valued: some value matches, so `emails.type ne "work"` means "has an email whose type is not work". */
function compare(attribute: ResolvedAttribute, filter: Compare): Expression<SqlBool> {
  const { op, attrPath, compValue } = filter;
  if (attribute.kind === "leaf") return attribute.leaf.compare(op, compValue, attrPath);
  const sub = attribute.kind === "multi" ? (attribute.sub ?? attribute.multi.defaultSub) : null;
  if (attribute.kind === "complex" || sub === null)
    throw invalidFilter(`${quoted(attrPath)} is complex: compare one of its sub-attributes`);
  return attribute.multi.some((subs) => subAttribute(subs, sub, attrPath).compare(op, compValue, attrPath));
}

function subResolver(children: Readonly<Record<string, LeafAttribute | ComplexAttribute>>, parent: string): Resolve {
  return (path) => {
    const child = lookup(children, path.toLowerCase());
    if (child === undefined) return unknownAttribute(`${parent}.${path}`);
    return child.kind === "leaf" ? { kind: "leaf", leaf: child } : { kind: "complex", complex: child };
  };
}

// RFC 7644 §3.4.2.2: `emails[type eq "work" and value co "@x"]` holds when one value meets both.
function valuePath(filter: ValuePath, resolve: Resolve): Expression<SqlBool> {
  const attribute = resolve(filter.attrPath);
  if (attribute.kind === "multi" && attribute.sub === null) {
    return attribute.multi.some((subs) => compileNode(filter.valFilter, subResolver(subs, filter.attrPath), true));
  }
  if (attribute.kind === "complex")
    return compileNode(filter.valFilter, subResolver(attribute.complex.children, filter.attrPath), true);
  throw invalidFilter(
    `${quoted(filter.attrPath)} cannot take a value filter: it is not a multi-valued or complex attribute`,
  );
}

function compileNode(filter: Filter, resolve: Resolve, inValueFilter: boolean): Expression<SqlBool> {
  switch (filter.op) {
    case "and":
    case "or":
      return combine(
        filter.filters.map((f) => compileNode(f, resolve, inValueFilter)),
        filter.op,
      );
    case "not":
      return negate(compileNode(filter.filter, resolve, inValueFilter));
    case "[]":
      if (inValueFilter) throw invalidFilter(`value filters cannot be nested (${quoted(filter.attrPath)})`);
      return valuePath(filter, resolve);
    case "pr":
      return present(resolve(filter.attrPath), filter.attrPath);
    default:
      return compare(resolve(filter.attrPath), filter);
  }
}

function catalogFor(resource: FilterResource, caps: StorageCapabilities): ResourceCatalog {
  return resource === "User" ? userCatalog(caps) : groupCatalog(caps);
}

/**
 * Compiles a parsed SCIM filter into a WHERE condition that runs entirely in SQL, for
 * `selectFrom("directory_users as u")` (User) or `selectFrom("directory_groups as g")` (Group).
 * Attribute names are case-insensitive; values compare case-insensitively unless the attribute
 * is caseExact (id, externalId, meta.*, members.value, groups.value). Every value is bound.
 * Throws a 400 `invalidFilter` ScimError for unknown attributes and ill-typed comparisons.
 */
export function compileFilter(
  filter: Filter,
  resource: FilterResource,
  caps: StorageCapabilities,
): Expression<SqlBool> {
  const catalog = catalogFor(resource, caps);
  return compileNode(filter, (path) => resolveAttribute(catalog, path), false);
}
