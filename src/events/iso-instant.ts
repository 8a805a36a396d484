export type InstantResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly error: string };

// Date, then optionally a time with seconds, a fraction and an offset. The offset may begin with
// a space: a `+` left unescaped in a query string arrives decoded as one.
const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?([Zz]|[+\- ]\d{2}(?::?\d{2})?)?)?$/;

function offsetMinutes(offset: string | undefined): number | null {
  if (!offset || offset === "Z" || offset === "z") return 0;
  const digits = offset.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || "0");
  if (hours > 23 || minutes > 59) return null;
  return (offset[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * An ISO-8601 date or date-time as the UTC text Roster stores (`2026-01-02T03:04:05.000Z`), so it
 * compares as text with `created_at`. Without an offset the time is UTC (never the server's zone);
 * a fraction finer than a millisecond rounds up, which keeps `>=` and `<` exact on stored times.
 */
export function parseIsoInstant(text: string): InstantResult {
  const match = ISO_8601.exec(text.trim());
  if (!match) return { ok: false, error: "is not an ISO-8601 date or date-time" };
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", offset] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, error: "is not a valid date or time" };
  }
  const shift = offsetMinutes(offset);
  if (shift === null) return { ok: false, error: "has an invalid UTC offset" };
  const millis = Math.ceil(Number(fraction.padEnd(9, "0")) / 1_000_000);
  const instant = new Date(calendar.getTime() + ((hour * 60 + minute - shift) * 60 + second) * 1000 + millis);
  return { ok: true, value: instant.toISOString() };
}
