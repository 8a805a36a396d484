import type { EmailInput, UserInput } from "../directory/index.js";
import { InvalidScimRecord } from "./invalid-record.js";
import { optionalString, readBoolean } from "./loose-scalars.js";
import { isPlainObject } from "./plain-object.js";
import { URN } from "./schema-urns.js";
import { isUnassigned } from "./unassigned.js";

export type ScimUserDocument = Record<string, unknown>;

/** Attributes the server owns or never keeps: dropped from what the IdP sent (RFC 7643 §3.1, §4.1). */
const SERVER_OWNED = new Set(["id", "meta", "groups", "password"]);

function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean).filter((v) => !isUnassigned(v));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const cleaned = clean(v);
    if (!isUnassigned(cleaned) && !(isPlainObject(cleaned) && Object.keys(cleaned).length === 0)) out[k] = cleaned;
  }
  return out;
}

function keyOf(doc: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(doc).find((k) => k.toLowerCase() === lower);
}

/** A manager as kept: its `value` alone, or nothing when it has none (see scim/users/manager-reference.ts). */
function keptManager(manager: Record<string, unknown>): Record<string, unknown> | undefined {
  const valueKey = keyOf(manager, "value");
  return valueKey === undefined ? undefined : { [valueKey]: manager[valueKey] };
}

/**
 * The user resource as the IdP sent it, made safe to keep: server-owned attributes dropped,
 * unassigned values removed, booleans read from strings, the enterprise manager in its complex
 * form. Everything else is kept as sent: it is the directory's `raw_attributes`.
 */
export function readUserDocument(body: unknown): ScimUserDocument {
  if (!isPlainObject(body)) throw new InvalidScimRecord("The body must be a JSON object", "invalidSyntax");
  const doc = clean(
    Object.fromEntries(Object.entries(body).filter(([k]) => !SERVER_OWNED.has(k.toLowerCase()))),
  ) as Record<string, unknown>;
  const activeKey = keyOf(doc, "active");
  if (activeKey) doc[activeKey] = readBoolean(doc[activeKey], "active");
  const emailsKey = keyOf(doc, "emails");
  if (emailsKey) doc[emailsKey] = readEmails(doc[emailsKey]);
  const enterpriseKey = keyOf(doc, URN.enterpriseUser);
  if (enterpriseKey && isPlainObject(doc[enterpriseKey])) {
    const ext = { ...(doc[enterpriseKey] as Record<string, unknown>) };
    const managerKey = keyOf(ext, "manager");
    // Entra sends the manager as a bare id string; RFC 7643 §4.3 makes it complex.
    if (managerKey && typeof ext[managerKey] === "string") ext[managerKey] = { value: ext[managerKey] };
    // Only the manager's value is the IdP's to give (see scim/users/manager-reference.ts).
    if (managerKey && isPlainObject(ext[managerKey])) {
      const manager = keptManager(ext[managerKey] as Record<string, unknown>);
      if (manager) ext[managerKey] = manager;
      else delete ext[managerKey];
    }
    doc[enterpriseKey] = ext;
  }
  const userName = doc[keyOf(doc, "userName") ?? "userName"];
  if (typeof userName !== "string" || userName.trim() === "") {
    throw new InvalidScimRecord("userName is required and must be a non-empty string");
  }
  return doc;
}

function readEmails(value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw new InvalidScimRecord("emails must be an array");
  return value.map((entry) => {
    if (typeof entry === "string") return { value: entry };
    if (!isPlainObject(entry)) throw new InvalidScimRecord("each email must be an object with a value");
    const primaryKey = keyOf(entry, "primary");
    return primaryKey ? { ...entry, [primaryKey]: readBoolean(entry[primaryKey], "emails.primary") } : entry;
  });
}

function stringAt(doc: Record<string, unknown>, path: readonly string[]): string | null {
  let current: unknown = doc;
  for (const segment of path) {
    if (!isPlainObject(current)) return null;
    const key = keyOf(current, segment);
    current = key ? current[key] : undefined;
  }
  return optionalString(current, path.join("."));
}

function emailsOf(doc: Record<string, unknown>): EmailInput[] {
  const raw = doc[keyOf(doc, "emails") ?? "emails"];
  if (!Array.isArray(raw)) return [];
  const emails: EmailInput[] = [];
  for (const entry of raw as Record<string, unknown>[]) {
    const value = stringAt(entry, ["value"]);
    if (value)
      emails.push({
        value,
        type: stringAt(entry, ["type"]),
        primary: entry[keyOf(entry, "primary") ?? "primary"] === true,
      });
  }
  return emails;
}

/** The normalized user the store keeps, derived from the document. */
export function toUserInput(doc: ScimUserDocument): UserInput {
  const activeKey = keyOf(doc, "active");
  return {
    username: stringAt(doc, ["userName"]) ?? "",
    idpId: stringAt(doc, ["externalId"]),
    active: activeKey ? doc[activeKey] !== false : true,
    emails: emailsOf(doc),
    firstName: stringAt(doc, ["name", "givenName"]),
    lastName: stringAt(doc, ["name", "familyName"]),
    jobTitle: stringAt(doc, ["title"]),
    rawAttributes: doc,
  };
}
