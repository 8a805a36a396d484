/**
 * U+0000 and unpaired UTF-16 surrogates: PostgreSQL's text and JSON types refuse them (SQLite keeps
 * them), so Roster refuses them at every door, on both backends alike, before anything is stored.
 * Without the `u` flag the pattern reads code units, so a lone half of a pair is what it finds.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Cheap first look (no lookaround): most strings hold neither U+0000 nor any surrogate. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what it looks for
const SUSPECT = /[\u0000\ud800-\udfff]/;

export function isStorableText(text: string): boolean {
  return !SUSPECT.test(text) || !UNSTORABLE.test(text);
}

/**
 * The path (`emails.0.value`, `(root)`) of the first string, or object key, in `value` that holds
 * unstorable text, or null when there is none. Walks with a stack of its own: a deep value from a
 * connector cannot overflow the call stack.
 */
export function findUnstorableText(value: unknown): string | null {
  // Clean values are the rule: check them without building paths (recursion, fast and bounded), and
  // walk again only to name the place.
  return holdsUnstorableText(value) ? locateUnstorableText(value) : null;
}

/** Deeper than any value Roster reads (JSON bodies stop at 64): a cyclic value ends here too. */
const MAX_WALK_DEPTH = 256;

function holdsUnstorableText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return !isStorableText(value);
  if (typeof value !== "object" || value === null || depth > MAX_WALK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const entry of value) if (holdsUnstorableText(entry, depth + 1)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!isStorableText(key) || holdsUnstorableText((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

function locateUnstorableText(value: unknown): string | null {
  const stack: { value: unknown; path: string }[] = [{ value, path: "" }];
  const visited = new WeakSet<object>();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: current, path } = item;
    if (typeof current === "object" && current !== null) {
      if (visited.has(current)) continue;
      visited.add(current);
    }
    if (typeof current === "string") {
      if (!isStorableText(current)) return path || "(root)";
    } else if (Array.isArray(current)) {
      current.forEach((entry, i) => {
        stack.push({ value: entry, path: join(path, String(i)) });
      });
    } else if (typeof current === "object" && current !== null) {
      for (const [key, entry] of Object.entries(current)) {
        if (!isStorableText(key)) return join(path, JSON.stringify(key));
        stack.push({ value: entry, path: join(path, key) });
      }
    }
  }
  return null;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
