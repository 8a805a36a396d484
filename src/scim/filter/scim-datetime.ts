/**
 * A filter's dateTime value in the stored form (ISO-8601 UTC, milliseconds). `exact` is false when
 * the value had sub-millisecond digits that were cut off (Entra sends seven fractional digits),
 * so the compiler can keep comparisons exact against millisecond timestamps.
 */
export interface FilterDateTime {
  readonly iso: string;
  readonly exact: boolean;
}

// xsd:dateTime (RFC 7643 §2.3.5), leniently: seconds, fraction and zone optional; no zone = UTC.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
// Outside years 0000–9999 toISOString() changes shape and text order stops being time order.
const MIN_TIME = Date.parse("0000-01-01T00:00:00.000Z");
const MAX_TIME = Date.parse("9999-12-31T23:59:59.999Z");

function num(text: string | undefined): number {
  return text === undefined ? 0 : Number(text);
}

function utcTime(fields: readonly number[]): number | null {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0] = fields;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  const roundTrips =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return roundTrips ? date.getTime() : null;
}

/** Parses a filter dateTime; null when it is not one. */
export function parseFilterDateTime(text: string): FilterDateTime | null {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const fraction = m[7] ?? "";
  const local = utcTime([
    num(m[1]),
    num(m[2]),
    num(m[3]),
    num(m[4]),
    num(m[5]),
    num(m[6]),
    Number(fraction.padEnd(3, "0").slice(0, 3)),
  ]);
  const offsetHours = num(m[10]);
  const offsetMinutes = num(m[11]);
  if (local === null || offsetHours > 23 || offsetMinutes > 59) return null;
  const sign = m[9] === "-" ? -1 : 1;
  const time = local - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (time < MIN_TIME || time > MAX_TIME) return null;
  return { iso: new Date(time).toISOString(), exact: /^0*$/.test(fraction.slice(3)) };
}
