/**
 * The precondition an `If-Match` header (or a bulk operation's `version`) sets, per RFC 7232 §3.1:
 * `*` or a list of entity tags. Entity tags are opaque to clients (RFC 7232 §2.3), so a well-formed
 * tag Roster never issued is no error: it names no version of the resource, and the write fails
 * its precondition with 412 like a stale one. Only a header that is not an entity-tag list is 400.
 */
export type IfMatch =
  /** No precondition: the header is absent or `*` (any existing resource; a missing one is 404). */
  | { readonly ok: true; readonly version: undefined }
  /** The write applies only to this version; `NO_VERSION` when the tags name none of Roster's. */
  | { readonly ok: true; readonly version: number }
  /** 400: `malformed` when the text is not an entity-tag list (scimType invalidSyntax). */
  | { readonly ok: false; readonly malformed: boolean; readonly detail: string };

/** Versions start at 1 (the store's first write), so a precondition on 0 never holds: 412. */
export const NO_VERSION = 0;

// entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text (RFC 7232 §2.3),
// one element of a `1#entity-tag` list with its optional whitespace and comma (RFC 7230 §7).
const LIST_ELEMENT = /^(?:(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)")?[\t ]*(?:,[\t ]*|$)/;

// Roster's own tags are `W/"n"` with n its decimal version (see `etag`); compared as opaque text,
// so `"007"` is not version 7. Weak comparison, as SCIM clients send the weak tags they were given.
const ROSTER_VERSION = /^[1-9][0-9]{0,14}$/;

/** The opaque parts of a `1#entity-tag` list, or null when the text is not one. */
function entityTags(text: string): string[] | null {
  const tags: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    const element = LIST_ELEMENT.exec(rest);
    if (!element || element[0].length === 0) return null;
    if (element[1] !== undefined) tags.push(element[1]);
    rest = rest.slice(element[0].length);
  }
  return tags.length > 0 ? tags : null;
}

export function readIfMatch(header: string | undefined): IfMatch {
  if (header === undefined || header.trim() === "*") return { ok: true, version: undefined };
  const tags = entityTags(header);
  if (!tags) return { ok: false, malformed: true, detail: 'If-Match must be "*" or entity tags such as W/"3"' };
  const versions = new Set(tags.filter((tag) => ROSTER_VERSION.test(tag)).map(Number));
  // A resource has one current version; naming several of its versions asks a question the
  // one-version check inside the write cannot answer, and no SCIM client sends it.
  if (versions.size > 1)
    return { ok: false, malformed: false, detail: "If-Match may name one version of the resource" };
  const [version] = versions;
  return { ok: true, version: version ?? NO_VERSION };
}
