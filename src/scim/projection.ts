import { createScimError } from "./errors.js";

/** RFC 7643 §7 "returned: always": kept whatever `attributes` says, never excluded. */
const ALWAYS = new Set(["id", "schemas"]);

export interface Projection {
  readonly attributes: readonly string[] | null;
  readonly excluded: readonly string[];
}

export const FULL_PROJECTION: Projection = Object.freeze({ attributes: null, excluded: [] });

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Reads `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5); both at once is a client error. */
export function readProjection(query: {
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
}): Projection {
  const attributes = splitList(query.attributes);
  const excluded = splitList(query.excludedAttributes);
  if (attributes.length > 0 && excluded.length > 0) {
    throw createScimError(400, {
      detail: "attributes and excludedAttributes cannot be combined",
      scimType: "invalidSyntax",
    });
  }
  return { attributes: attributes.length > 0 ? attributes : null, excluded };
}

/** Splits `urn:…:User:manager.value` or `name.givenName` into [urn or null, attribute, sub-attribute?]. */
function parsePath(
  path: string,
  schemaUrns: readonly string[],
): { urn: string | null; attr: string; sub: string | null } {
  const lower = path.toLowerCase();
  const urn = schemaUrns.find((u) => lower.startsWith(`${u.toLowerCase()}:`)) ?? null;
  const rest = urn ? path.slice(urn.length + 1) : path;
  const [attr = "", sub = null] = rest.split(".", 2);
  return { urn, attr: attr.replace(/\[.*$/, ""), sub };
}

function findKey(obj: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** Whether `path` names the core attribute `key` (plain, or qualified with the core URN). */
function names(path: { urn: string | null; attr: string }, key: string, coreUrn: string): boolean {
  if (path.urn && path.urn.toLowerCase() !== coreUrn.toLowerCase()) return false;
  return path.attr.toLowerCase() === key.toLowerCase();
}

/**
 * Applies a projection to a rendered resource. `schemaUrns` are the resource's schema URNs, the
 * first being its core schema, so URN-qualified names (`urn:…:enterprise:2.0:User:department`) work.
 */
export function project(
  resource: Record<string, unknown>,
  projection: Projection,
  schemaUrns: readonly string[],
): Record<string, unknown> {
  if (projection.attributes === null && projection.excluded.length === 0) return resource;
  const core = schemaUrns[0] ?? "";
  const extensionUrns = schemaUrns.slice(1);
  if (projection.attributes) {
    const paths = projection.attributes.map((p) => parsePath(p, schemaUrns));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      if (ALWAYS.has(key)) {
        out[key] = value;
        continue;
      }
      const isExtension = extensionUrns.some((u) => u.toLowerCase() === key.toLowerCase());
      const matching = paths.filter((p) =>
        isExtension ? p.urn?.toLowerCase() === key.toLowerCase() : names(p, key, core),
      );
      if (matching.length === 0) continue;
      if (isExtension && matching.some((p) => p.attr) && value && typeof value === "object") {
        const ext = value as Record<string, unknown>;
        out[key] = Object.fromEntries(
          matching
            .map((p) => findKey(ext, p.attr))
            .filter((k): k is string => !!k)
            .map((k) => [k, ext[k]]),
        );
      } else if (
        !isExtension &&
        matching.every((p) => p.sub) &&
        value &&
        typeof value === "object" &&
        !Array.isArray(value)
      ) {
        const obj = value as Record<string, unknown>;
        out[key] = Object.fromEntries(
          matching
            .map((p) => findKey(obj, p.sub ?? ""))
            .filter((k): k is string => !!k)
            .map((k) => [k, obj[k]]),
        );
      } else {
        out[key] = value;
      }
    }
    return out;
  }
  const out: Record<string, unknown> = { ...resource };
  for (const path of projection.excluded.map((p) => parsePath(p, schemaUrns))) {
    for (const key of Object.keys(out)) {
      if (ALWAYS.has(key)) continue;
      const isExtension = extensionUrns.some((u) => u.toLowerCase() === key.toLowerCase());
      if (isExtension && path.urn?.toLowerCase() === key.toLowerCase()) {
        if (!path.attr) delete out[key];
        else {
          const ext = { ...(out[key] as Record<string, unknown>) };
          const k = findKey(ext, path.attr);
          if (k) delete ext[k];
          out[key] = ext;
        }
      } else if (!isExtension && names(path, key, core)) {
        if (!path.sub) delete out[key];
        else if (out[key] && typeof out[key] === "object" && !Array.isArray(out[key])) {
          const obj = { ...(out[key] as Record<string, unknown>) };
          const k = findKey(obj, path.sub);
          if (k) delete obj[k];
          out[key] = obj;
        }
      }
    }
  }
  return out;
}

/** Whether a projection leaves `attribute` out, so the reader can skip loading it (e.g. members). */
export function excludes(projection: Projection, attribute: string): boolean {
  const lower = attribute.toLowerCase();
  if (projection.attributes) return !projection.attributes.some((a) => a.toLowerCase().split(".")[0] === lower);
  return projection.excluded.some((a) => a.toLowerCase() === lower);
}
