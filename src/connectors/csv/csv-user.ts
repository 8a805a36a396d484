import type { InvalidRecord, SourceUser } from "../source.js";
import type { ColumnPlan } from "./csv-columns.js";
import type { CsvField } from "./csv-config.js";
import type { CsvRow } from "./csv-rows.js";

export type CsvUserRead =
  | { readonly kind: "user"; readonly user: SourceUser; readonly groups: readonly string[] }
  | (InvalidRecord & { readonly username: string });

// Deliberately loose: one @, no spaces, a dot in the domain. Mail servers decide the rest.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const STATES: Readonly<Record<string, boolean>> = {
  "": true,
  active: true,
  true: true,
  "1": true,
  inactive: false,
  false: false,
  "0": false,
};

function fieldValue(row: CsvRow, plan: ColumnPlan, field: CsvField): string {
  const index = plan.fields[field];
  return index === undefined ? "" : (row.fields[index] ?? "").trim();
}

function rawAttributesOf(row: CsvRow, plan: ColumnPlan): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const { index, name } of plan.raw) {
    const value = row.fields[index];
    if (value !== undefined && value !== "") raw[name] = value;
  }
  return raw;
}

/** `groups`: names separated by `;`, blanks dropped, each named once. */
export function groupNamesOf(text: string): string[] {
  const names = new Map<string, string>();
  for (const part of text.split(";")) {
    const name = part.trim();
    if (name !== "" && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}

/**
 * One data row as a user. `idp_id` is the `external_id` (or `id`) column when the file has one,
 * else the username lower-cased: a CSV has no other key that survives a rename of the file.
 */
export function readCsvUser(row: CsvRow, plan: ColumnPlan): CsvUserRead {
  const ref = `line ${row.line}`;
  const username = fieldValue(row, plan, "username");
  const invalid = (message: string): CsvUserRead => ({ kind: "invalid", ref, message, username });
  if (row.fields.length !== plan.width)
    return invalid(`expected ${plan.width} fields as in the header, found ${row.fields.length}`);
  if (username === "") return invalid(`${plan.headers.username} is missing`);
  const email = fieldValue(row, plan, "email");
  if (email !== "" && !EMAIL.test(email)) return invalid(`"${email}" is not an email address`);
  const stateText = fieldValue(row, plan, "state");
  const active = STATES[stateText.toLowerCase()];
  if (active === undefined)
    return invalid(`${plan.headers.state} "${stateText}" is not one of active, inactive, true, false, 1, 0`);
  let idpId = username.toLowerCase();
  if (plan.fields.external_id !== undefined) {
    idpId = fieldValue(row, plan, "external_id");
    if (idpId === "") return invalid(`${plan.headers.external_id} is missing`);
  }
  const user: SourceUser = {
    idpId,
    username,
    active,
    emails: email === "" ? [] : [{ value: email, type: "work", primary: true }],
    firstName: fieldValue(row, plan, "first_name") || null,
    lastName: fieldValue(row, plan, "last_name") || null,
    jobTitle: fieldValue(row, plan, "job_title") || null,
    rawAttributes: rawAttributesOf(row, plan),
  };
  return { kind: "user", user, groups: groupNamesOf(fieldValue(row, plan, "groups")) };
}
