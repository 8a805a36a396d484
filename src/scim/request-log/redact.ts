const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key/i;
const MAX_BODY_CHARS = 8192;

// Bodies are parsed at most 64 levels deep; the bound keeps this walk safe from any other caller.
const MAX_DEPTH = 64;

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redactValue(v, depth + 1)]),
  );
}

/**
 * Whether `redactValue` would change `value`: a secret-looking key, or an object at the depth
 * bound. Most bodies have neither, and this walk allocates nothing, where the rewrite copies every
 * object of the body (a few µs of a create, most of it garbage).
 */
function needsRedaction(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(value)) return value.some((v) => needsRedaction(v, depth + 1));
  for (const key in value) {
    // Own keys only, as `Object.entries` gives them.
    if (!Object.hasOwn(value, key)) continue;
    if (SECRET_KEY.test(key) || needsRedaction((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/**
 * A request body as it may be kept in the log: every value under a secret-looking key replaced
 * (Okta sends `password` on create), then cut to a few KiB.
 */
export function redactBody(body: unknown): string | null {
  if (body === undefined || body === null || body === "") return null;
  const text = JSON.stringify(needsRedaction(body) ? redactValue(body) : body);
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…[truncated]` : text;
}
