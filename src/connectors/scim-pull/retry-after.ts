/**
 * How long to wait before retrying a 429 or 503: the `Retry-After` header (delta-seconds or an
 * HTTP date, RFC 9110 §10.2.3) when it has one, else a short doubling backoff; never more than
 * `maxMs`, so an upstream asking for an hour cannot stall a run for an hour.
 */
export function retryDelayMs(header: string | null, attempt: number, maxMs: number, now: number = Date.now()): number {
  const fallback = 1000 * 2 ** attempt;
  let wait = fallback;
  const value = header?.trim() ?? "";
  if (/^\d+$/.test(value)) wait = Number(value) * 1000;
  else if (value !== "") {
    const at = Date.parse(value);
    if (!Number.isNaN(at)) wait = at - now;
  }
  return Math.min(maxMs, Math.max(0, wait));
}
