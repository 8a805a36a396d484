import { once } from "node:events";
import { createWriteStream } from "node:fs";

/** The fixed tree every generated directory uses; the slapd harness serves this suffix. */
export const LDIF_BASE_DN = "dc=example,dc=test";
export const PEOPLE_DN = `ou=people,${LDIF_BASE_DN}`;
export const GROUPS_DN = `ou=groups,${LDIF_BASE_DN}`;
export const READER_DN = `cn=reader,${LDIF_BASE_DN}`;
export const READER_PASSWORD = "reader-secret";
/** An account whose searches stop at 100 entries unless paged: proves a read really pages. */
export const LIMITED_DN = `cn=limited,${LDIF_BASE_DN}`;
export const LIMITED_PASSWORD = "limited-secret";

/**
 * Bulk entries carry this modifyTimestamp (slapadd keeps operational attributes it is given), so a
 * delta read after a fresh load returns only what a test changed, even within the same second.
 */
export const BULK_TIMESTAMP = "20240101000000Z";

export type GeneratedGroupKind = "groupOfNames" | "groupOfUniqueNames" | "posixGroup";

export interface DirectoryShape {
  readonly users: number;
  readonly groups: number;
  /** Direct user members of each group (capped at `users`). */
  readonly membersPerGroup: number;
  /** Every n-th group (n > 0) of the DN-member kinds also has the previous group as a member. */
  readonly nestEvery?: number;
}

export const userUid = (i: number): string => `user${i}`;
export const userDn = (i: number): string => `uid=${userUid(i)},${PEOPLE_DN}`;
export const groupName = (j: number): string => `group${j}`;
export const groupDn = (j: number): string => `cn=${groupName(j)},${GROUPS_DN}`;

const GROUP_KINDS: readonly GeneratedGroupKind[] = ["groupOfNames", "groupOfUniqueNames", "posixGroup"];
export const groupKind = (j: number): GeneratedGroupKind => GROUP_KINDS[j % GROUP_KINDS.length] as GeneratedGroupKind;

/** Indices of group `j`'s direct user members. */
export function directMembers(shape: DirectoryShape, j: number): number[] {
  const count = Math.min(shape.membersPerGroup, shape.users);
  return Array.from({ length: count }, (_, k) => (j * shape.membersPerGroup + k) % shape.users);
}

/** The group `j` nests as a member, if any (posixGroup cannot nest: memberUid names users). */
export function nestedGroup(shape: DirectoryShape, j: number): number | null {
  const every = shape.nestEvery ?? 0;
  if (every <= 0 || j === 0 || j % every !== 0 || groupKind(j) === "posixGroup") return null;
  return j - 1;
}

const TITLES = ["Engineer", "Designer", "Manager", "Analyst", "Support", "Sales", "Counsel"];

function baseEntries(): string[] {
  const stamp = `modifyTimestamp: ${BULK_TIMESTAMP}\ncreateTimestamp: ${BULK_TIMESTAMP}\n`;
  return [
    `dn: ${LDIF_BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n${stamp}`,
    `dn: ${PEOPLE_DN}\nobjectClass: organizationalUnit\nou: people\n${stamp}`,
    `dn: ${GROUPS_DN}\nobjectClass: organizationalUnit\nou: groups\n${stamp}`,
    `dn: ${READER_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${READER_PASSWORD}\n${stamp}`,
    `dn: ${LIMITED_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: limited\nuserPassword: ${LIMITED_PASSWORD}\n${stamp}`,
  ];
}

function userEntry(i: number): string {
  return (
    `dn: ${userDn(i)}\nobjectClass: inetOrgPerson\nuid: ${userUid(i)}\ncn: Given${i} Surname${i}\n` +
    `givenName: Given${i}\nsn: Surname${i}\nmail: ${userUid(i)}@example.test\ntitle: ${TITLES[i % TITLES.length]}\n` +
    `employeeNumber: ${i}\nuserPassword: password-${i}\nmodifyTimestamp: ${BULK_TIMESTAMP}\ncreateTimestamp: ${BULK_TIMESTAMP}\n`
  );
}

function groupEntry(shape: DirectoryShape, j: number): string {
  const kind = groupKind(j);
  const members = directMembers(shape, j);
  const nested = nestedGroup(shape, j);
  let body = `dn: ${groupDn(j)}\nobjectClass: ${kind}\ncn: ${groupName(j)}\ndescription: Generated group ${j}\n`;
  if (kind === "posixGroup") {
    body += `gidNumber: ${10_000 + j}\n`;
    for (const i of members) body += `memberUid: ${userUid(i)}\n`;
  } else {
    const attribute = kind === "groupOfNames" ? "member" : "uniqueMember";
    for (const i of members) body += `${attribute}: ${userDn(i)}\n`;
    if (nested !== null) body += `${attribute}: ${groupDn(nested)}\n`;
  }
  return `${body}modifyTimestamp: ${BULK_TIMESTAMP}\ncreateTimestamp: ${BULK_TIMESTAMP}\n`;
}

/**
 * One LDIF entry with the bulk timestamps, for fixtures loaded with slapadd next to a generated
 * directory. Attribute values are written as given (plain LDIF values only).
 */
export function ldifEntry(dn: string, attributes: Readonly<Record<string, string | readonly string[]>>): string {
  let body = `dn: ${dn}\n`;
  for (const [name, value] of Object.entries(attributes)) {
    for (const v of typeof value === "string" ? [value] : value) body += `${name}: ${v}\n`;
  }
  return `${body}modifyTimestamp: ${BULK_TIMESTAMP}\ncreateTimestamp: ${BULK_TIMESTAMP}\n`;
}

/**
 * Writes a whole directory (base entries, a read-only `cn=reader` account, `shape.users` people and
 * `shape.groups` groups of mixed kinds, then `extraEntries`) as LDIF to `path`, entry by entry with backpressure, so
 * 100,000 users never sit in memory as one string. Returns the number of entries written.
 */
export async function generateDirectoryLdif(
  path: string,
  shape: DirectoryShape,
  extraEntries: readonly string[] = [],
): Promise<number> {
  const out = createWriteStream(path, { encoding: "utf8" });
  let entries = 0;
  const write = async (entry: string): Promise<void> => {
    entries += 1;
    if (!out.write(`${entry}\n`)) await once(out, "drain");
  };
  try {
    for (const entry of baseEntries()) await write(entry);
    for (let i = 0; i < shape.users; i++) await write(userEntry(i));
    for (let j = 0; j < shape.groups; j++) await write(groupEntry(shape, j));
    for (const entry of extraEntries) await write(entry);
  } finally {
    out.end();
    await once(out, "close");
  }
  return entries;
}
