import type { EmailInput } from "../../directory/index.js";
import type { SourceItem, SourceUser } from "../source.js";

/**
 * The user properties asked for (`$select`): what the mapping reads, and the on-premises
 * attributes a tenant synced from Active Directory carries, for the attribute mapping. Without
 * `$select` Graph leaves out `accountEnabled` and most of these.
 */
export const USER_SELECT = [
  "id",
  "userPrincipalName",
  "accountEnabled",
  "mail",
  "otherMails",
  "displayName",
  "givenName",
  "surname",
  "jobTitle",
  "department",
  "companyName",
  "officeLocation",
  "employeeId",
  "employeeType",
  "userType",
  "mobilePhone",
  "businessPhones",
  "preferredLanguage",
  "onPremisesSamAccountName",
  "onPremisesUserPrincipalName",
  "onPremisesDistinguishedName",
  "onPremisesDomainName",
  "onPremisesImmutableId",
  "onPremisesSecurityIdentifier",
  "onPremisesSyncEnabled",
  "onPremisesExtensionAttributes",
].join(",");

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : null;
}

function emailsOf(user: Record<string, unknown>): EmailInput[] {
  const primary = text(user.mail);
  const emails: EmailInput[] = primary ? [{ value: primary, type: "work", primary: true }] : [];
  const others = Array.isArray(user.otherMails) ? user.otherMails : [];
  for (const other of others) {
    const value = text(other);
    if (value && !emails.some((e) => e.value.toLowerCase() === value.toLowerCase()))
      emails.push({ value, type: "other", primary: false });
  }
  return emails;
}

/** OData annotations (`@odata.type`, `@odata.etag`) say nothing about the person. */
function rawOf(user: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(user).filter(([key]) => !key.includes("@")));
}

/**
 * A Graph user (`GET /users?$select=…`) as a source user keyed by its object `id`:
 * `userPrincipalName` is the username, `accountEnabled: false` an inactive user, `mail` the
 * primary email (a user without a mailbox has none), `otherMails` the others. Everything selected
 * lands in `raw_attributes` (employeeId, department, the on-premises attributes…).
 */
export function readEntraUser(user: unknown, position: string): SourceItem<SourceUser> {
  if (!isObject(user)) return { kind: "invalid", ref: position, message: "the user is not a JSON object" };
  const id = text(user.id);
  if (id === null) return { kind: "invalid", ref: position, message: "the user has no id" };
  const upn = text(user.userPrincipalName);
  if (upn === null) return { kind: "invalid", ref: id, message: "the user has no userPrincipalName" };
  if (user.accountEnabled !== undefined && user.accountEnabled !== null && typeof user.accountEnabled !== "boolean") {
    return {
      kind: "invalid",
      ref: id,
      message: `the user's accountEnabled "${String(user.accountEnabled)}" is not true or false`,
    };
  }
  return {
    kind: "record",
    record: {
      idpId: id,
      username: upn,
      active: user.accountEnabled !== false,
      emails: emailsOf(user),
      firstName: text(user.givenName),
      lastName: text(user.surname),
      jobTitle: text(user.jobTitle),
      rawAttributes: rawOf(user),
    },
  };
}
