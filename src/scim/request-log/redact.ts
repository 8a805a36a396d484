const SECRET_KEY = /pass(word)?|secret|token|credential|authorization|api[-_]?key/i;
const MAX_BODY_CHARS = 8192;

// Bodies are parsed at most 64 levels deep; the bound keeps this walk safe from any other caller.
const MAX_DEPTH = 64;

function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redactValue(v, depth + 1)]));
}

/**
 * A request body as it may be kept in the log: every value under a secret-looking key replaced
 * (Okta sends `password` on create), then cut to a few KiB.
 */
export function redactBody(body: unknown): string | null {
  if (body === undefined || body === null || body === "") return null;
  const text = JSON.stringify(redactValue(body));
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…[truncated]` : text;
}
