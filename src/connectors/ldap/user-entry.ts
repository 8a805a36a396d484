import type { Entry } from "ldapts";
import type { SourceItem, SourceUser } from "../source.js";
import { normalizeDn } from "./dn-normalize.js";
import { BINARY_ATTRIBUTES, EntryValues, isSecretAttribute } from "./entry-values.js";
import type { ActiveFormat, LdapAttributeMap } from "./ldap-config.js";

// Always read: the stable ids (entryUUID on OpenLDAP, objectGUID on AD) and the change stamps.
const OPERATIONAL = ["objectClass", "entryUUID", "objectGUID", "modifyTimestamp", "createTimestamp"];

/** The attributes a user search asks for: the mapped ones, the extras, the ids; never a password. */
export function userAttributes(map: LdapAttributeMap): string[] {
  const names = [
    ...map.username,
    map.email,
    map.firstName,
    map.lastName,
    map.jobTitle,
    ...(map.active ? [map.active.attribute] : []),
    ...map.extra,
    ...OPERATIONAL,
  ];
  const seen = new Set<string>();
  return names.filter((name) => {
    const lower = name.toLowerCase();
    if (seen.has(lower) || isSecretAttribute(name)) return false;
    seen.add(lower);
    return true;
  });
}

export function binaryAttributes(requested: readonly string[]): string[] {
  const binary = new Set(BINARY_ATTRIBUTES.map((a) => a.toLowerCase()));
  return [...new Set([...BINARY_ATTRIBUTES, ...requested.filter((a) => binary.has(a.toLowerCase()))])];
}

/** The username an entry has under the mapping (first attribute present wins), or null. */
export function usernameOf(values: EntryValues, map: LdapAttributeMap): string | null {
  for (const attribute of map.username) {
    const value = values.first(attribute);
    if (value !== null) return value;
  }
  return null;
}

const TRUE_WORDS = new Set(["true", "1", "yes", "y", "on", "active", "enabled"]);
const FALSE_WORDS = new Set(["false", "0", "no", "n", "off", "inactive", "disabled"]);

/** Active per the mapping; an absent attribute means active. A value we cannot read is an error, not a guess. */
export function activeOf(value: string | null, format: ActiveFormat): boolean | Error {
  if (value === null) return true;
  if (format === "account_control") {
    const flags = Number.parseInt(value, 10);
    if (!Number.isInteger(flags)) return new Error(`userAccountControl "${value}" is not a number`);
    return (flags & 2) === 0; // ACCOUNTDISABLE
  }
  const word = value.toLowerCase();
  const truth = TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : null;
  if (truth === null) return new Error(`"${value}" is neither true nor false`);
  return format === "inverted_boolean" ? !truth : truth;
}

/** One LDAP entry as a source user: idpId is the normalized DN, so group members map without lookups. */
export function toSourceUser(entry: Entry, map: LdapAttributeMap): SourceItem<SourceUser> {
  const values = new EntryValues(entry);
  const username = usernameOf(values, map);
  if (username === null) {
    return { kind: "invalid", ref: entry.dn, message: `no username: the entry has none of ${map.username.join(", ")}` };
  }
  const active = map.active === null ? true : activeOf(values.first(map.active.attribute), map.active.format);
  if (active instanceof Error)
    return { kind: "invalid", ref: entry.dn, message: `${map.active?.attribute}: ${active.message}` };
  const emails = values
    .strings(map.email)
    .map((value) => value.trim())
    .filter((value) => value !== "")
    .map((value, index) => ({ value, type: "work", primary: index === 0 }));
  return {
    kind: "record",
    record: {
      idpId: normalizeDn(entry.dn),
      username,
      active,
      emails,
      firstName: values.first(map.firstName),
      lastName: values.first(map.lastName),
      jobTitle: values.first(map.jobTitle),
      rawAttributes: values.raw(),
    },
  };
}
