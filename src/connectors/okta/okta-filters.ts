import { SourceError } from "../source.js";

/** Okta's timestamp form (`2026-12-05T09:00:00.000Z`), the only thing interpolated into a filter. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Changes read since an earlier run may be stamped a little before Okta's clock was read: start earlier. */
export const IN_FLIGHT_MARGIN_MS = 60_000;
/** Without Okta's clock (no `Date` header), our own may run ahead of Okta's by up to this much. */
export const CLOCK_SKEW_MARGIN_MS = 5 * 60_000;

function checked(changedSince: string): string {
  if (!TIMESTAMP.test(changedSince) || Number.isNaN(Date.parse(changedSince))) {
    throw new SourceError("misconfigured", `changedSince "${changedSince.slice(0, 40)}" is not an Okta timestamp`);
  }
  return changedSince;
}

/** The watermark for the next delta run: Okta's clock (else ours, skewed early), less the in-flight margin. */
export function watermarkAt(serverTime: Date | null, localNow: Date): string {
  const at = serverTime
    ? serverTime.getTime() - IN_FLIGHT_MARGIN_MS
    : localNow.getTime() - CLOCK_SKEW_MARGIN_MS - IN_FLIGHT_MARGIN_MS;
  return new Date(at).toISOString();
}

/** Users changed since the watermark: all statuses (a filtered list includes DEPROVISIONED users). */
export function usersChangedSince(changedSince: string): string {
  return `lastUpdated gt "${checked(changedSince)}"`;
}

/** The group types read: Okta groups, and app groups when asked (never BUILT_IN, i.e. Everyone). */
export function groupTypes(includeAppGroups: boolean): string {
  return includeAppGroups ? `(type eq "OKTA_GROUP" or type eq "APP_GROUP")` : `type eq "OKTA_GROUP"`;
}

/** Groups of those types whose profile or members changed since the watermark. */
export function groupsFilter(includeAppGroups: boolean, changedSince: string | undefined): string {
  if (changedSince === undefined) return groupTypes(includeAppGroups);
  const since = checked(changedSince);
  return `${groupTypes(includeAppGroups)} and (lastUpdated gt "${since}" or lastMembershipUpdated gt "${since}")`;
}

export const DEPROVISIONED_USERS = `status eq "DEPROVISIONED"`;
