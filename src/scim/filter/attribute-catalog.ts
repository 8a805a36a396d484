import type { Expression, SqlBool } from "kysely";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import { invalidFilter, quoted } from "./filter-error.js";
import { jsonBooleanLeaf, type LeafAttribute, textLeaf } from "./leaf-attributes.js";

/** A single-valued complex attribute (`name`, `meta`, an extension schema): children by lowercase name. */
export interface ComplexAttribute {
  readonly kind: "complex";
  readonly children: Readonly<Record<string, LeafAttribute | ComplexAttribute>>;
}

export type SubAttributes = Readonly<Record<string, LeafAttribute>>;

/** A multi-valued attribute: a filter on it matches when some value matches (RFC 7644 §3.4.2.2). */
export interface MultiValuedAttribute {
  readonly kind: "multi";
  /** The sub-attribute a comparison without one applies to (`emails co "x"` = `emails.value co "x"`). */
  readonly defaultSub: string | null;
  some(where: (subs: SubAttributes) => Expression<SqlBool>): Expression<SqlBool>;
}

/** The filterable attributes of one resource type, keyed by lowercase name (RFC 7643 §2.1). */
export interface ResourceCatalog {
  /** The core schema URN, lowercase; extension schemas are children of `root` under their URN. */
  readonly coreUrn: string;
  readonly root: Readonly<Record<string, LeafAttribute | ComplexAttribute | MultiValuedAttribute>>;
}

export type ResolvedAttribute =
  | { readonly kind: "leaf"; readonly leaf: LeafAttribute }
  | { readonly kind: "complex"; readonly complex: ComplexAttribute }
  | { readonly kind: "multi"; readonly multi: MultiValuedAttribute; readonly sub: string | null };

/** Own properties only, so `constructor` or `__proto__` is an unknown attribute, not Object's. */
export function lookup<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

export function unknownAttribute(path: string): never {
  throw invalidFilter(`Unknown or unfilterable attribute ${quoted(path)}`);
}

function schemaOf(
  catalog: ResourceCatalog,
  lower: string,
): { base: ResourceCatalog["root"]; rest: string } | { whole: ComplexAttribute } | null {
  if (!lower.startsWith("urn:")) return { base: catalog.root, rest: lower };
  if (lower.startsWith(`${catalog.coreUrn}:`))
    return { base: catalog.root, rest: lower.slice(catalog.coreUrn.length + 1) };
  for (const [urn, node] of Object.entries(catalog.root)) {
    if (!urn.startsWith("urn:") || node.kind !== "complex") continue;
    if (lower === urn) return { whole: node };
    if (lower.startsWith(`${urn}:`)) return { base: node.children, rest: lower.slice(urn.length + 1) };
  }
  return null;
}

/**
 * Resolves an attribute path (`userName`, `name.givenName`, `emails.value`, `urn:…:User:userName`,
 * `urn:…:enterprise:2.0:User:manager.value`) case-insensitively; unknown paths are invalidFilter.
 */
export function resolveAttribute(catalog: ResourceCatalog, path: string): ResolvedAttribute {
  const schema = schemaOf(catalog, path.toLowerCase());
  if (schema === null) return unknownAttribute(path);
  if ("whole" in schema) return { kind: "complex", complex: schema.whole };
  const [name = "", sub, extra] = schema.rest.split(".");
  const node = lookup(schema.base, name);
  if (node === undefined || extra !== undefined) return unknownAttribute(path);
  if (node.kind === "multi") return { kind: "multi", multi: node, sub: sub ?? null };
  if (sub === undefined)
    return node.kind === "leaf" ? { kind: "leaf", leaf: node } : { kind: "complex", complex: node };
  const child = node.kind === "complex" ? lookup(node.children, sub) : undefined;
  if (child === undefined) return unknownAttribute(path);
  return child.kind === "leaf" ? { kind: "leaf", leaf: child } : { kind: "complex", complex: child };
}

/** The text at `keys` inside a JSON document, each key matched case-insensitively. */
export function jsonText(
  caps: StorageCapabilities,
  doc: Expression<unknown>,
  keys: readonly string[],
): Expression<string | null> {
  const last = keys.at(-1);
  if (last === undefined) throw new Error("jsonText needs at least one key");
  const parent = keys.slice(0, -1).reduce<Expression<unknown>>((current, key) => caps.jsonMember(current, key), doc);
  return caps.jsonMemberText(parent, last);
}

/** Case-insensitive string attributes kept in a JSON document, by lowercase name. */
export function jsonTextLeaves(
  caps: StorageCapabilities,
  doc: Expression<unknown>,
  path: readonly string[],
  names: readonly string[],
): Record<string, LeafAttribute> {
  return Object.fromEntries(
    names.map((name) => [name, textLeaf(caps, jsonText(caps, doc, [...path, name]), { caseExact: false })]),
  );
}

/** A multi-valued complex attribute kept as a JSON array (`phoneNumbers`, `addresses`…). */
export function jsonMultiValued(
  caps: StorageCapabilities,
  doc: Expression<unknown>,
  key: string,
  texts: readonly string[],
  defaultSub: string | null,
): MultiValuedAttribute {
  return {
    kind: "multi",
    defaultSub,
    some: (where) =>
      caps.jsonArraySome(caps.jsonMember(doc, key), (element) =>
        where({
          ...jsonTextLeaves(caps, element, [], texts),
          primary: jsonBooleanLeaf(jsonText(caps, element, ["primary"])),
        }),
      ),
  };
}
