import type { AttributePath, FilterValue, PathSegment } from "./attribute-path.js";

// RFC 7643 §3: core attributes sit at the top of the resource, so a core-URN path reads from there.
const CORE_USER_URN = "urn:ietf:params:scim:schemas:core:2.0:user";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Attribute names are case-insensitive (RFC 7643 §2.1); an exact match wins. */
function member(object: Record<string, unknown>, name: string): unknown {
  if (name in object) return object[name];
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : object[key];
}

/** Scalars compared as sources send them: `"Work"` matches `"work"`, `"True"` matches `true`. */
function sameScalar(actual: unknown, expected: FilterValue): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (actual === null || typeof actual === "object" || actual === undefined) return false;
  return String(actual).toLowerCase() === String(expected).toLowerCase();
}

function walk(value: unknown, segments: readonly PathSegment[]): unknown {
  const [segment, ...rest] = segments;
  if (!segment) return value;
  if (Array.isArray(value)) {
    const found = value.flatMap((element) => {
      const result = walk(element, segments);
      return result === undefined ? [] : [result];
    });
    return found.length > 0 ? found : undefined;
  }
  if (!isObject(value)) return undefined;
  const child = member(value, segment.name);
  if (!segment.filter) return walk(child, rest);
  const { attribute, value: expected } = segment.filter;
  const candidates = Array.isArray(child) ? child : child === undefined ? [] : [child];
  const chosen = candidates.find((element) => isObject(element) && sameScalar(member(element, attribute), expected));
  return chosen === undefined ? undefined : walk(chosen, rest);
}

/**
 * The value at `path` in a user's raw attributes, or null when absent. A filter picks the first
 * matching element (one value); a path through a multi-valued attribute without one gives every value.
 */
export function readAttribute(raw: Record<string, unknown>, path: AttributePath): unknown {
  if (path.urn === null || path.urn.toLowerCase() === CORE_USER_URN) return walk(raw, path.segments) ?? null;
  const extension = member(raw, path.urn);
  const found = extension === undefined ? undefined : walk(extension, path.segments);
  // Some sources (CSV columns, flattened extensions) keep the whole path as one key.
  return found ?? member(raw, path.text) ?? null;
}
