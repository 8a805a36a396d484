import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DirectoryShape,
  directMembers,
  GROUPS_DN,
  groupDn,
  groupKind,
  ldifEntry,
  nestedGroup,
  PEOPLE_DN,
  userDn,
} from "../../../test/support/directory-ldif.js";
import { type SlapdServer, slapdConnector, startSlapd } from "../../../test/support/slapd.js";
import type { ConnectorSource, SourceGroup, SourceItem } from "../source.js";
import { normalizeDn } from "./dn-normalize.js";
import { parseLdapConfig } from "./ldap-config.js";
import { createLdapSource } from "./ldap-source.js";
import { createLdapSession } from "./ldap-session.js";
import { MEMBER_UID_BATCH, resolveMemberUids } from "./member-uid-lookup.js";

// Posix groups 2, 5 and 8 name 300 distinct users by memberUid: two lookup batches.
const SHAPE: DirectoryShape = { users: 450, groups: 9, membersPerGroup: 100, nestEvery: 3 };
const person = (uid: string) => ldifEntry(`uid=${uid},${PEOPLE_DN}`, { objectClass: "inetOrgPerson", uid, cn: uid, sn: uid });
const group = (cn: string, objectClass: string, attributes: Record<string, string | string[]>) => ldifEntry(`cn=${cn},${GROUPS_DN}`, { objectClass, cn, ...attributes });
const fixtureDn = (uid: string) => `uid=${uid},ou=people,dc=example,dc=test`;
const fixtureGroupDn = (cn: string) => `cn=${cn},ou=groups,dc=example,dc=test`;

let server: SlapdServer;
const opened: ConnectorSource[] = [];

function source(overrides: Record<string, unknown> = {}): ConnectorSource {
  const parsed = parseLdapConfig(slapdConnector(server, { page_size: 50, ...overrides }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const created = createLdapSource(parsed.value);
  opened.push(created);
  return created;
}

async function readGroups(s: ConnectorSource = source()): Promise<{ byName: Map<string, SourceGroup>; items: SourceItem<SourceGroup>[] }> {
  const items: SourceItem<SourceGroup>[] = [];
  for await (const item of s.groups({ signal: AbortSignal.timeout(20_000) })) items.push(item);
  const byName = new Map(items.flatMap((i) => (i.kind === "record" ? [[i.record.name, i.record] as const] : [])));
  return { byName, items };
}

const membersOf = (groups: Map<string, SourceGroup>, name: string) => [...(groups.get(name)?.memberIdpIds ?? [])].sort();

function expectedGenerated(j: number): Set<string> {
  const members = new Set(directMembers(SHAPE, j).map((i) => normalizeDn(userDn(i))));
  const nested = nestedGroup(SHAPE, j);
  if (nested !== null) for (const m of expectedGenerated(nested)) members.add(m);
  return members;
}

beforeAll(async () => {
  server = await startSlapd({
    directory: SHAPE,
    entries: [
      ...["ann", "bob", "cyd", "dee"].map(person),
      group("spaced", "groupOfNames", { member: "UID=ann, OU=People,DC=Example, DC=test" }),
      group("unique", "groupOfUniqueNames", { uniqueMember: [`${fixtureDn("bob")}#'0101'B`, fixtureDn("cyd")] }),
      group("posix", "posixGroup", { gidNumber: "5000", memberUid: ["ANN", "dee", "ghost"] }),
      group("cycle-a", "groupOfNames", { member: [fixtureGroupDn("cycle-b"), fixtureDn("ann")] }),
      group("cycle-b", "groupOfNames", { member: [fixtureGroupDn("cycle-a"), fixtureDn("bob")] }),
      group("self", "groupOfNames", { member: [fixtureGroupDn("self"), fixtureDn("cyd")] }),
      group("parent", "groupOfNames", { member: [fixtureGroupDn("spaced"), fixtureGroupDn("posix"), fixtureGroupDn("cycle-a")] }),
      group("outsider", "groupOfNames", { member: "uid=gone,ou=elsewhere,dc=example,dc=test" }),
    ],
  });
});

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
  await server?.stop();
});

describe("LDAP source: groups", () => {
  it("reads groupOfNames members as user idpIds, whatever the case and spacing of the member DN", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "spaced")).toEqual([fixtureDn("ann")]);
    expect(byName.get("spaced")).toMatchObject({ idpId: fixtureGroupDn("spaced"), name: "spaced" });
  });

  it("reads groupOfUniqueNames members without their #'…'B unique id", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "unique")).toEqual([fixtureDn("bob"), fixtureDn("cyd")]);
  });

  it("resolves posixGroup memberUid usernames to the users' DNs, case-insensitively, dropping unknown ones", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "posix")).toEqual([fixtureDn("ann"), fixtureDn("dee")]);
  });

  it("flattens nested groups transitively and survives cycles and a group that contains itself", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "cycle-a")).toEqual([fixtureDn("ann"), fixtureDn("bob")]);
    expect(membersOf(byName, "cycle-b")).toEqual([fixtureDn("ann"), fixtureDn("bob")]);
    expect(membersOf(byName, "self")).toEqual([fixtureDn("cyd")]);
    expect(membersOf(byName, "parent")).toEqual([fixtureDn("ann"), fixtureDn("bob"), fixtureDn("dee")]);
  });

  it("passes on a member DN that is no known group as a user idpId, for the engine to match or skip", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "outsider")).toEqual(["uid=gone,ou=elsewhere,dc=example,dc=test"]);
  });

  it("matches the generated directory: every kind, nesting into posix groups, memberUids in several batches", async () => {
    const { byName } = await readGroups();
    expect(300).toBeGreaterThan(MEMBER_UID_BATCH);
    for (let j = 0; j < SHAPE.groups; j++) {
      const found = byName.get(`group${j}`);
      expect(found?.idpId).toBe(normalizeDn(groupDn(j)));
      expect(new Set(found?.memberIdpIds), `group${j} (${groupKind(j)})`).toEqual(expectedGenerated(j));
    }
    expect(byName.get("group3")?.memberIdpIds).toHaveLength(200); // its own 100 and posix group2's 100
  });

  it("keeps entryUUID and the group's own attributes in raw attributes, not its member lists", async () => {
    const { byName } = await readGroups();
    const posix = byName.get("posix");
    expect(posix?.rawAttributes).toMatchObject({ dn: `cn=posix,${GROUPS_DN}`, cn: "posix", gidNumber: "5000", objectClass: "posixGroup" });
    expect(posix?.rawAttributes.entryUUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(byName.get("group0")?.rawAttributes ?? {})).not.toContain("member");
  });

  it("reports a group without a name as an invalid record", async () => {
    const { items } = await readGroups(source({ attributes: { group_name: "description" } }));
    expect(items).toContainEqual({ kind: "invalid", ref: `cn=spaced,${GROUPS_DN}`, message: expect.stringContaining("no group name") });
    expect(items.filter((i) => i.kind === "record")).toHaveLength(SHAPE.groups);
  });

  it("resolves many memberUids in one pass over the users instead of batches, with the same answer", async () => {
    const parsed = parseLdapConfig(slapdConnector(server, { page_size: 50 }));
    if (!parsed.ok) throw new Error("config");
    const session = createLdapSession(parsed.value);
    try {
      const wanted = new Set(["ann", "dee", "ghost", "user7", "user449"]);
      const signal = AbortSignal.timeout(20_000);
      const batched = await resolveMemberUids(session, parsed.value, wanted, signal);
      const scanned = await resolveMemberUids(session, parsed.value, wanted, signal, 1);
      expect(scanned).toEqual(batched);
      expect([...scanned.keys()].sort()).toEqual(["ann", "dee", "user449", "user7"]);
    } finally {
      await session.close();
    }
  });
});
