/**
 * The `rel="next"` target of a `Link` header (RFC 8288), as Okta pages its lists. Okta sends
 * `self` and `next` as separate headers, which fetch joins with ", ": entries are read by their
 * `<…>` brackets, never by splitting on commas (a URL may hold one).
 */
export function nextLink(header: string | null): string | null {
  if (header === null) return null;
  const entry = /<([^>]*)>((?:\s*;\s*[^;,<]*)*)/g;
  for (let match = entry.exec(header); match !== null; match = entry.exec(header)) {
    const params = match[2] ?? "";
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params);
    const values = (rel?.[1] ?? rel?.[2] ?? "").toLowerCase().split(/\s+/);
    if (values.includes("next")) return match[1] ?? null;
  }
  return null;
}
