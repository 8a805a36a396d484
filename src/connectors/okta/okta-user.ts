import type { EmailInput } from "../../directory/index.js";
import type { SourceItem, SourceUser } from "../source.js";

/** Okta user statuses that still let the person in (or will): Roster's `active`. SUSPENDED and DEPROVISIONED are not. */
const ACTIVE_STATUSES = new Set(["STAGED", "PROVISIONED", "ACTIVE", "RECOVERY", "PASSWORD_EXPIRED", "LOCKED_OUT"]);
const INACTIVE_STATUSES = new Set(["SUSPENDED", "DEPROVISIONED"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function emailsOf(profile: Record<string, unknown>): EmailInput[] {
  const emails: EmailInput[] = [];
  const primary = text(profile.email);
  const second = text(profile.secondEmail);
  if (primary) emails.push({ value: primary, type: "work", primary: true });
  if (second && second.toLowerCase() !== primary?.toLowerCase())
    emails.push({ value: second, type: "other", primary: false });
  return emails;
}

/**
 * Left out of `raw_attributes`: HAL links, credential metadata (recovery question), and the
 * stamps that move without the person changing (`lastLogin` moves at every sign-in): kept, they
 * would make every run report most users updated and send a `dsync.user.updated` for each.
 */
const NOT_RAW = new Set([
  "_links",
  "_embedded",
  "credentials",
  "lastLogin",
  "lastUpdated",
  "statusChanged",
  "passwordChanged",
]);

/** The object without the keys named. */
export function without(object: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.has(key)));
}

/**
 * An Okta user object (`GET /api/v1/users`) as a source user keyed by its Okta `id`. The rest of
 * what Okta sent (status, type, the whole profile) lands in `raw_attributes`, so the attribute
 * mapping can reach `profile.department` or a custom profile attribute.
 */
export function readOktaUser(user: unknown, position: string): SourceItem<SourceUser> {
  if (!isObject(user)) return { kind: "invalid", ref: position, message: "the user is not a JSON object" };
  const id = text(user.id);
  if (id === null) return { kind: "invalid", ref: position, message: "the user has no id" };
  const profile = isObject(user.profile) ? user.profile : {};
  const login = text(profile.login);
  if (login === null) return { kind: "invalid", ref: id, message: "the user has no profile.login" };
  const status = typeof user.status === "string" ? user.status.toUpperCase() : "";
  if (!ACTIVE_STATUSES.has(status) && !INACTIVE_STATUSES.has(status)) {
    return {
      kind: "invalid",
      ref: id,
      message: `the user's status "${String(user.status)}" is not an Okta user status`,
    };
  }
  return {
    kind: "record",
    record: {
      idpId: id,
      username: login,
      active: ACTIVE_STATUSES.has(status),
      emails: emailsOf(profile),
      firstName: text(profile.firstName),
      lastName: text(profile.lastName),
      jobTitle: text(profile.title),
      rawAttributes: without(user, NOT_RAW),
    },
  };
}

/** The id of a member in `GET /api/v1/groups/{id}/users`, or null. */
export function memberId(user: unknown): string | null {
  return isObject(user) ? text(user.id) : null;
}
