// LDAP GeneralizedTime (RFC 4517 §3.3.13): YYYYMMDDHH[MM[SS]][.fraction](Z|±hh[mm]).
const PATTERN = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{2}(?:\d{2})?)$/;

/** The instant a GeneralizedTime names, or null when it is not one. */
export function parseGeneralizedTime(text: string): Date | null {
  const m = PATTERN.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi = "00", s = "00", fraction, zone = "Z"] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (fraction !== undefined) ms += Math.floor(Number(`0.${fraction}`) * 1000);
  if (zone !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5) || "0")) * 60_000;
  }
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** `YYYYMMDDHHMMSSZ` in UTC: whole seconds, the resolution of modifyTimestamp. */
export function formatGeneralizedTime(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:T]/g, "")
    .replace(/\.\d{3}Z$/, "Z");
}
