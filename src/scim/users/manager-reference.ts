import type { Kysely } from "kysely";
import type { Database } from "../../storage/schema.js";
import { chunks } from "../../storage/value-lists.js";
import { createScimError } from "../errors.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { isPlainObject } from "../../scim-resource/plain-object.js";

/**
 * The enterprise manager (RFC 7643 §4.3) within one directory. `manager.value` is kept as the IdP
 * sent it: Okta and OneLogin send their own opaque ids, Entra sends the id Roster gave the manager.
 * A value in the form of a Roster user id is read as a reference and must name a user of the same
 * directory, so no user ever points at another tenant's user (an application joining
 * `custom_attributes.manager_id` to `/directory_users/{id}` with an admin key would cross tenants).
 * Roster never resolves the value otherwise, and the parts describing the manager are its own to
 * give: a sent `displayName` (readOnly) or `$ref` (possibly another directory's URL) is dropped,
 * and `$ref` is rendered for a Roster user id, pointing into the same directory.
 */

const ROSTER_USER_ID = /^directory_user_/i;

function keyOf(object: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(object).find((k) => k.toLowerCase() === lower);
}

function managerOf(doc: Record<string, unknown>): Record<string, unknown> | undefined {
  const extKey = keyOf(doc, URN.enterpriseUser);
  const ext = extKey ? doc[extKey] : undefined;
  if (!isPlainObject(ext)) return undefined;
  const managerKey = keyOf(ext, "manager");
  const manager = managerKey ? ext[managerKey] : undefined;
  return isPlainObject(manager) ? manager : undefined;
}

/** The manager's `value` when it is a string. */
export function managerValue(doc: Record<string, unknown>): string | undefined {
  const manager = managerOf(doc);
  const valueKey = manager ? keyOf(manager, "value") : undefined;
  const value = manager && valueKey ? manager[valueKey] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** Every string in the form of a Roster user id within `value` (a PATCH's operations): what the write may set as a manager. */
export function rosterUserIdsIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (typeof value === "string" && ROSTER_USER_ID.test(value)) found.add(value);
  else if (Array.isArray(value)) for (const item of value) rosterUserIdsIn(item, found);
  else if (isPlainObject(value)) for (const item of Object.values(value)) rosterUserIdsIn(item, found);
  return found;
}

/** Of `candidates`, those that are ids of users of `directoryId`. */
export async function usersOfDirectory(
  db: Kysely<Database>,
  directoryId: string,
  candidates: Iterable<string>,
): Promise<Set<string>> {
  const local = new Set<string>();
  for (const part of chunks([...candidates])) {
    const rows = await db
      .selectFrom("directory_users")
      .select("id")
      .where("directory_id", "=", directoryId)
      .where("id", "in", part)
      .execute();
    for (const row of rows) local.add(row.id);
  }
  return local;
}

/**
 * Refuses a manager value in the form of a Roster user id that is not in `local` (users of the
 * directory) nor `kept` (what the user already had). The answer is the same for another
 * directory's user and for no user at all: it tells nothing of other tenants' ids.
 */
export function assertManagerWithin(doc: Record<string, unknown>, local: ReadonlySet<string>, kept?: string): void {
  const value = managerValue(doc);
  if (value === undefined || !ROSTER_USER_ID.test(value) || local.has(value) || value === kept) return;
  throw createScimError(400, {
    detail: `manager.value ${JSON.stringify(value)} is not the id of a user of this directory`,
    scimType: "invalidValue",
  });
}

/** Checks a whole document's manager (create, PUT) against the directory's users; `kept` as in `assertManagerWithin`. */
export async function checkManager(
  db: Kysely<Database>,
  directoryId: string,
  doc: Record<string, unknown>,
  kept?: string,
): Promise<void> {
  const value = managerValue(doc);
  if (value === undefined || !ROSTER_USER_ID.test(value) || value === kept) return;
  assertManagerWithin(doc, await usersOfDirectory(db, directoryId, [value]));
}

/** The enterprise extension as rendered: a manager that is a Roster user gets its `$ref` in this directory. */
export function withManagerRef(attributes: Record<string, unknown>, baseUrl: string): Record<string, unknown> {
  const value = managerValue(attributes);
  if (value === undefined || !ROSTER_USER_ID.test(value)) return attributes;
  const extKey = keyOf(attributes, URN.enterpriseUser) as string;
  const ext = attributes[extKey] as Record<string, unknown>;
  const managerKey = keyOf(ext, "manager") as string;
  const manager = { ...(ext[managerKey] as Record<string, unknown>), $ref: `${baseUrl}/Users/${value}` };
  return { ...attributes, [extKey]: { ...ext, [managerKey]: manager } };
}
