import type { EmailInput } from "../../directory/index.js";
import type { SourceItem, SourceUser } from "../source.js";

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

/**
 * Left out of `raw_attributes`: the resource's kind and etag, and `lastLoginTime`, which moves at
 * every sign-in: kept, it would make every run report most users updated.
 */
const NOT_RAW = new Set(["kind", "etag", "lastLoginTime"]);
const EMAIL_TYPES = new Set(["work", "home", "other"]);

/** The primary address first (as work), then the user's other addresses once each. */
function emailsOf(primary: string, listed: unknown): EmailInput[] {
  const emails: EmailInput[] = [{ value: primary, type: "work", primary: true }];
  const seen = new Set([primary.toLowerCase()]);
  for (const entry of Array.isArray(listed) ? listed : []) {
    if (!isObject(entry)) continue;
    const address = text(entry.address);
    if (address === null || seen.has(address.toLowerCase())) continue;
    seen.add(address.toLowerCase());
    const type =
      typeof entry.type === "string" && EMAIL_TYPES.has(entry.type)
        ? entry.type
        : entry.type === "custom"
          ? (text(entry.customType) ?? "other")
          : null;
    emails.push({ value: address, type, primary: false });
  }
  return emails;
}

/** The title of the user's primary organization, else of the first one listed. */
function jobTitleOf(organizations: unknown): string | null {
  if (!Array.isArray(organizations)) return null;
  const orgs = organizations.filter(isObject);
  const chosen = orgs.find((o) => o.primary === true) ?? orgs[0];
  return chosen ? text(chosen.title) : null;
}

/**
 * A Directory API user (`users.list` with `projection=full`) as a source user keyed by Google's
 * `id`. Suspended and archived users are inactive. The rest of the resource (orgUnitPath,
 * organizations, custom schemas…) lands in `raw_attributes` for the attribute mapping.
 */
export function readGoogleUser(user: unknown, position: string): SourceItem<SourceUser> {
  if (!isObject(user)) return { kind: "invalid", ref: position, message: "the user is not a JSON object" };
  const id = text(user.id);
  if (id === null) return { kind: "invalid", ref: position, message: "the user has no id" };
  const primaryEmail = text(user.primaryEmail);
  if (primaryEmail === null) return { kind: "invalid", ref: id, message: "the user has no primaryEmail" };
  const name = isObject(user.name) ? user.name : {};
  return {
    kind: "record",
    record: {
      idpId: id,
      username: primaryEmail,
      active: user.suspended !== true && user.archived !== true,
      emails: emailsOf(primaryEmail, user.emails),
      firstName: text(name.givenName),
      lastName: text(name.familyName),
      jobTitle: jobTitleOf(user.organizations),
      rawAttributes: Object.fromEntries(Object.entries(user).filter(([key]) => !NOT_RAW.has(key))),
    },
  };
}
