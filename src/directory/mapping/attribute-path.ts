/** A scalar a value filter compares with: `type eq "work"`, `primary eq true`. */
export type FilterValue = string | number | boolean | null;

export interface PathSegment {
  readonly name: string;
  /** `attr[sub eq value]`: keeps the elements of a multi-valued attribute whose `sub` equals `value`. */
  readonly filter: { readonly attribute: string; readonly value: FilterValue } | null;
}

/** A parsed source attribute path (RFC 7644 §3.10 attribute notation, with the `eq` value filter). */
export interface AttributePath {
  readonly text: string;
  /** The schema URN that prefixes an extension path, or null for a core (top-level) path. */
  readonly urn: string | null;
  readonly segments: readonly PathSegment[];
}

export type PathResult =
  | { readonly ok: true; readonly value: AttributePath }
  | { readonly ok: false; readonly error: string };

// RFC 7643 §2.1 ATTRNAME, plus `$` for `$ref`.
const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const FILTER = /^\s*([A-Za-z_$][A-Za-z0-9_$-]*)\s+eq\s+(.+?)\s*$/i;
const MAX_SEGMENTS = 8;

function parseValue(text: string): { ok: true; value: FilterValue } | { ok: false } {
  if (text.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value === "string" ? { ok: true, value } : { ok: false };
    } catch {
      return { ok: false };
    }
  }
  const lower = text.toLowerCase();
  if (lower === "true" || lower === "false") return { ok: true, value: lower === "true" };
  if (lower === "null") return { ok: true, value: null };
  return /^-?\d+(\.\d+)?$/.test(text) ? { ok: true, value: Number(text) } : { ok: false };
}

/** Splits on dots outside brackets and quotes: `phoneNumbers[value eq "a.b"].value` has two segments. */
function splitSegments(text: string): string[] | null {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quoted) {
      current += c;
      if (c === "\\") current += text[++i] ?? "";
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    if (depth < 0 || depth > 1) return null;
    if (c === "." && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  if (quoted || depth !== 0) return null;
  parts.push(current);
  return parts;
}

function parseSegment(text: string): PathSegment | null {
  const open = text.indexOf("[");
  if (open === -1) return NAME.test(text) ? { name: text, filter: null } : null;
  const name = text.slice(0, open);
  if (!NAME.test(name) || !text.endsWith("]")) return null;
  const match = FILTER.exec(text.slice(open + 1, -1));
  if (!match?.[1] || !match[2]) return null;
  const value = parseValue(match[2]);
  return value.ok ? { name, filter: { attribute: match[1], value: value.value } } : null;
}

/** An extension path is `<schema URN>:<attribute>`; the URN is everything up to the last colon before any filter. */
function splitUrn(text: string): { urn: string | null; rest: string } {
  if (!text.toLowerCase().startsWith("urn:")) return { urn: null, rest: text };
  const head = text.split("[", 1)[0] ?? text;
  const colon = head.lastIndexOf(":");
  return { urn: text.slice(0, colon), rest: text.slice(colon + 1) };
}

/**
 * Parses `department`, `name.givenName`, `urn:…:enterprise:2.0:User:manager.value` or
 * `phoneNumbers[type eq "work"].value`.
 */
export function parseAttributePath(text: string): PathResult {
  const fail = (error: string): PathResult => ({ ok: false, error });
  const trimmed = text.trim();
  if (trimmed === "") return fail("must not be empty");
  const { urn, rest } = splitUrn(trimmed);
  if (urn !== null && urn.length <= "urn:".length) return fail("has an empty schema URN");
  const parts = splitSegments(rest);
  if (!parts) return fail("has unbalanced brackets or quotes");
  if (parts.length > MAX_SEGMENTS) return fail(`has more than ${MAX_SEGMENTS} segments`);
  const segments: PathSegment[] = [];
  for (const part of parts) {
    const segment = parseSegment(part);
    if (!segment) return fail(`has an invalid segment "${part}" (expected a name, or name[attribute eq value])`);
    segments.push(segment);
  }
  return { ok: true, value: { text: trimmed, urn, segments } };
}
