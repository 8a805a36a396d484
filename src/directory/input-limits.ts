import { Errors, type FieldError } from "../core/errors.js";
import { findUnstorableText } from "../core/storable-text.js";
import type { GroupInput, UserInput } from "./types.js";

/**
 * What one user or group may hold, whichever door it comes through (SCIM, a connector, a CSV
 * upload). Far above what any IdP sends (Entra caps userName at 256 characters, an LDAP entry is a
 * few KiB), low enough that one client cannot make a row that slows every read of its directory.
 */
export const INPUT_LIMITS = Object.freeze({
  /** userName, externalId, a group's displayName, names, title, an email's value and type. */
  identifierChars: 1024,
  /** Any other string kept in `raw_attributes`. */
  stringChars: 64 * 1024,
  /** Values of one multi-valued attribute (emails, phoneNumbers, any array). */
  values: 1000,
  /** `raw_attributes` as stored JSON, in UTF-8 bytes. */
  rawAttributesBytes: 256 * 1024,
});

function tooLong(field: string, limit: number): FieldError {
  return { field, code: "too_long", message: `is longer than ${limit.toLocaleString("en-US")} characters` };
}

function identifierProblems(fields: Readonly<Record<string, string | null>>): FieldError[] {
  return Object.entries(fields).flatMap(([field, value]) =>
    value !== null && value.length > INPUT_LIMITS.identifierChars ? [tooLong(field, INPUT_LIMITS.identifierChars)] : [],
  );
}

/** JSON text can take up to 6 bytes per character (`\u001f`): below this many characters, `raw` cannot be over the byte limit. */
const SURELY_SMALL_CHARS = INPUT_LIMITS.rawAttributesBytes / 6;
const MAX_WALK_DEPTH = 256;

/**
 * The common case, fast: no string, key or array over its limit, and the characters `raw` holds
 * (or -1 once that is past caring). Recursion bounded in depth, so a cyclic value ends too.
 */
function quickSize(value: unknown, depth = 0): number {
  if (typeof value === "string") return value.length > INPUT_LIMITS.stringChars ? -1 : value.length + 2;
  if (typeof value !== "object" || value === null || depth > MAX_WALK_DEPTH) return 8;
  let size = 2;
  if (Array.isArray(value)) {
    if (value.length > INPUT_LIMITS.values) return -1;
    for (const entry of value) {
      const inner = quickSize(entry, depth + 1);
      if (inner < 0) return -1;
      size += inner + 1;
    }
    return size;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (key.length > INPUT_LIMITS.identifierChars) return -1;
    const inner = quickSize((value as Record<string, unknown>)[key], depth + 1);
    if (inner < 0) return -1;
    size += key.length + inner + 4;
  }
  return size;
}

/** Strings over the limit and arrays with too many values, anywhere in `raw`, each named by its path. */
function rawProblems(raw: Record<string, unknown>): FieldError[] {
  const size = quickSize(raw);
  if (size >= 0 && size < SURELY_SMALL_CHARS) return [];
  const problems: FieldError[] = [];
  const stack: { value: unknown; path: string }[] = [{ value: raw, path: "" }];
  const visited = new WeakSet<object>();
  for (let item = stack.pop(); item !== undefined && problems.length < 10; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value === "object" && value !== null) {
      if (visited.has(value)) continue;
      visited.add(value);
    }
    if (typeof value === "string" && value.length > INPUT_LIMITS.stringChars)
      problems.push(tooLong(path, INPUT_LIMITS.stringChars));
    else if (Array.isArray(value)) {
      if (value.length > INPUT_LIMITS.values)
        problems.push({
          field: path,
          code: "too_many",
          message: `has more than ${INPUT_LIMITS.values.toLocaleString("en-US")} values`,
        });
      else for (const entry of value) stack.push({ value: entry, path });
    } else if (typeof value === "object" && value !== null) {
      for (const [key, entry] of Object.entries(value)) {
        if (key.length > INPUT_LIMITS.identifierChars)
          problems.push(tooLong(`${path ? `${path}.` : ""}(a key)`, INPUT_LIMITS.identifierChars));
        else stack.push({ value: entry, path: path ? `${path}.${key}` : key });
      }
    }
  }
  if (problems.length > 0) return problems;
  let json: string;
  try {
    json = JSON.stringify(raw);
  } catch (error) {
    // A connector's value JSON cannot hold (a BigInt, a cycle): the record fails, not the run.
    return [
      {
        field: "(resource)",
        code: "invalid",
        message: `cannot be kept as JSON: ${error instanceof Error ? error.message : String(error)}`,
      },
    ];
  }
  if (Buffer.byteLength(json, "utf8") > INPUT_LIMITS.rawAttributesBytes) {
    problems.push({
      field: "(resource)",
      code: "too_large",
      message: `is larger than ${INPUT_LIMITS.rawAttributesBytes / 1024} KiB as JSON`,
    });
  }
  return problems;
}

/** The first unstorable text in `input`, named as the client named it (`labels`; raw attributes by their own path). */
function textProblems(input: object, labels: Readonly<Record<string, string>>): FieldError[] {
  for (const [key, value] of Object.entries(input)) {
    const at = findUnstorableText(value);
    if (at === null) continue;
    const label = labels[key] ?? key;
    const field = key === "rawAttributes" ? at : at === "(root)" ? label : `${label}.${at}`;
    return [{ field, code: "invalid_characters", message: "holds U+0000 or an unpaired surrogate" }];
  }
  return [];
}

const USER_LABELS = {
  username: "userName",
  idpId: "externalId",
  firstName: "name.givenName",
  lastName: "name.familyName",
  jobTitle: "title",
};
const GROUP_LABELS = { name: "displayName", idpId: "externalId", memberIdpIds: "members", memberUsernames: "members" };

/** What is wrong with a user before it is stored; empty when nothing is. */
export function userInputProblems(input: UserInput): FieldError[] {
  const emails = input.emails.flatMap((e) => [e.value, e.type]);
  return [
    ...textProblems(input, USER_LABELS),
    ...identifierProblems({
      userName: input.username,
      externalId: input.idpId,
      "name.givenName": input.firstName,
      "name.familyName": input.lastName,
      title: input.jobTitle,
    }),
    ...(emails.some((v) => v !== null && v.length > INPUT_LIMITS.identifierChars)
      ? [tooLong("emails", INPUT_LIMITS.identifierChars)]
      : []),
    ...(input.emails.length > INPUT_LIMITS.values
      ? [{ field: "emails", code: "too_many", message: `has more than ${INPUT_LIMITS.values} values` }]
      : []),
    ...rawProblems(input.rawAttributes),
  ];
}

export function groupInputProblems(input: GroupInput): FieldError[] {
  return [
    ...textProblems(input, GROUP_LABELS),
    ...identifierProblems({ displayName: input.name, externalId: input.idpId }),
    ...rawProblems(input.rawAttributes),
  ];
}

/** One line for a run's error list or a log: `userName is longer than 1,024 characters; …`. */
export function describeProblems(problems: readonly FieldError[]): string {
  return problems.map((p) => `${p.field} ${p.message}`).join("; ");
}

/** Throws the 400 `invalid_value` every door maps to its format (SCIM `invalidValue`). */
export function assertWithinLimits(problems: readonly FieldError[]): void {
  if (problems.length > 0) throw Errors.invalidValue("A value is over Roster's limits or cannot be stored", problems);
}
