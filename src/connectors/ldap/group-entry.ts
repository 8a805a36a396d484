import type { Entry } from "ldapts";
import type { InvalidRecord } from "../source.js";
import { normalizeDn } from "./dn-normalize.js";
import { EntryValues } from "./entry-values.js";
import type { LdapAttributeMap } from "./ldap-config.js";

/** groupOfNames and AD `group` list member DNs; groupOfUniqueNames too, with an optional `#'…'B` UID. */
const DN_MEMBER_ATTRIBUTES = ["member", "uniqueMember"] as const;
/** posixGroup lists usernames, resolved to DNs later. */
const UID_MEMBER_ATTRIBUTE = "memberUid";
const MEMBER_ATTRIBUTES = new Set([...DN_MEMBER_ATTRIBUTES, UID_MEMBER_ATTRIBUTE].map((a) => a.toLowerCase()));

/** A group as read, before posix members are resolved and nesting is flattened. */
export interface GroupDraft {
  readonly idpId: string;
  readonly name: string;
  readonly rawAttributes: Record<string, unknown>;
  /** Normalized DNs of users and nested groups (plain strings: lists can be 100k long). */
  readonly memberDns: string[];
  readonly memberUids: string[];
  /** AD range retrieval: member attributes the server cut short, and the index to go on from. */
  readonly moreRanges: { readonly attribute: string; readonly next: number }[];
}

export function groupAttributes(map: LdapAttributeMap): string[] {
  return [
    map.groupName,
    "objectClass",
    "description",
    "gidNumber",
    "mail",
    "entryUUID",
    "objectGUID",
    "modifyTimestamp",
    ...DN_MEMBER_ATTRIBUTES,
    UID_MEMBER_ATTRIBUTE,
  ];
}

// AD returns large member lists in slices: `member;range=0-1499`, the last one `member;range=3000-*`.
const RANGED = /^([A-Za-z][A-Za-z0-9-]*);range=(\d+)-(\*|\d+)$/i;

export function parseRange(name: string): { attribute: string; end: number | null } | null {
  const m = RANGED.exec(name);
  if (m === null) return null;
  return { attribute: m[1] as string, end: m[3] === "*" ? null : Number(m[3]) };
}

/** A groupOfUniqueNames value may end with an optional unique id (`#'0101'B`, RFC 4517 §3.3.21). */
export function stripUniqueId(value: string): string {
  return value.replace(/(?<!\\)#'[01]*'B$/, "");
}

export function toGroupDraft(entry: Entry, map: LdapAttributeMap): GroupDraft | InvalidRecord {
  const values = new EntryValues(entry);
  const name = values.first(map.groupName);
  if (name === null)
    return { kind: "invalid", ref: entry.dn, message: `no group name: the entry has no ${map.groupName}` };
  const draft: GroupDraft = {
    idpId: normalizeDn(entry.dn),
    name,
    rawAttributes: values.raw(MEMBER_ATTRIBUTES),
    memberDns: [],
    memberUids: [],
    moreRanges: [],
  };
  for (const attribute of DN_MEMBER_ATTRIBUTES) addMemberDns(draft, values.strings(attribute));
  draft.memberUids.push(
    ...values
      .strings(UID_MEMBER_ATTRIBUTE)
      .map((u) => u.trim())
      .filter((u) => u !== ""),
  );
  for (const attributeName of values.names()) {
    const range = parseRange(attributeName);
    if (range === null || !MEMBER_ATTRIBUTES.has(range.attribute.toLowerCase())) continue;
    addMemberDns(draft, values.strings(attributeName));
    if (range.end !== null) draft.moreRanges.push({ attribute: range.attribute, next: range.end + 1 });
  }
  return draft;
}

export function addMemberDns(draft: GroupDraft, dns: readonly string[]): void {
  for (const dn of dns) {
    const trimmed = dn.trim();
    if (trimmed !== "") draft.memberDns.push(normalizeDn(stripUniqueId(trimmed)));
  }
}
