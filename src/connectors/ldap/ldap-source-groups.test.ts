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

// Posix groups 2, 5 and 8 name their members by memberUid.
const SHAPE: DirectoryShape = { users: 450, groups: 9, membersPerGroup: 100, nestEvery: 3 };
const person = (uid: string) =>
  ldifEntry(`uid=${uid},${PEOPLE_DN}`, { objectClass: "inetOrgPerson", uid, cn: uid, sn: uid });
const group = (cn: string, objectClass: string, attributes: Record<string, string | string[]>) =>
  ldifEntry(`cn=${cn},${GROUPS_DN}`, { objectClass, cn, ...attributes });
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

async function readGroups(
  s: ConnectorSource = source(),
): Promise<{ byName: Map<string, SourceGroup>; items: SourceItem<SourceGroup>[] }> {
  const items: SourceItem<SourceGroup>[] = [];
  for await (const item of s.groups({ signal: AbortSignal.timeout(20_000) })) items.push(item);
  const byName = new Map(items.flatMap((i) => (i.kind === "record" ? [[i.record.name, i.record] as const] : [])));
  return { byName, items };
}

const membersOf = (groups: Map<string, SourceGroup>, name: string) =>
  [...(groups.get(name)?.memberIdpIds ?? [])].sort();
const usernamesOf = (groups: Map<string, SourceGroup>, name: string) =>
  [...(groups.get(name)?.memberUsernames ?? [])].sort();

/** A generated group's members: DNs from the DN-member kinds, usernames from posix groups, nesting included. */
function expectedGenerated(j: number): { dns: Set<string>; usernames: Set<string> } {
  const posix = groupKind(j) === "posixGroup";
  const direct = directMembers(SHAPE, j);
  const dns = new Set(posix ? [] : direct.map((i) => normalizeDn(userDn(i))));
  const usernames = new Set(posix ? direct.map((i) => `user${i}`) : []);
  const nested = nestedGroup(SHAPE, j);
  if (nested !== null) {
    const inner = expectedGenerated(nested);
    for (const m of inner.dns) dns.add(m);
    for (const u of inner.usernames) usernames.add(u);
  }
  return { dns, usernames };
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
      group("parent", "groupOfNames", {
        member: [fixtureGroupDn("spaced"), fixtureGroupDn("posix"), fixtureGroupDn("cycle-a")],
      }),
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

  it("passes posixGroup memberUids on as lower-cased usernames, for the engine to resolve or skip", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "posix")).toEqual([]);
    expect(usernamesOf(byName, "posix")).toEqual(["ann", "dee", "ghost"]);
    expect(byName.get("spaced")?.memberUsernames).toBeUndefined();
  });

  it("flattens nested groups transitively and survives cycles and a group that contains itself", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "cycle-a")).toEqual([fixtureDn("ann"), fixtureDn("bob")]);
    expect(membersOf(byName, "cycle-b")).toEqual([fixtureDn("ann"), fixtureDn("bob")]);
    expect(membersOf(byName, "self")).toEqual([fixtureDn("cyd")]);
    expect(membersOf(byName, "parent")).toEqual([fixtureDn("ann"), fixtureDn("bob")]);
    expect(usernamesOf(byName, "parent")).toEqual(["ann", "dee", "ghost"]); // through the nested posix group
  });

  it("passes on a member DN that is no known group as a user idpId, for the engine to match or skip", async () => {
    const { byName } = await readGroups();
    expect(membersOf(byName, "outsider")).toEqual(["uid=gone,ou=elsewhere,dc=example,dc=test"]);
  });

  it("matches the generated directory: every kind, nesting into posix groups", async () => {
    const { byName } = await readGroups();
    for (let j = 0; j < SHAPE.groups; j++) {
      const found = byName.get(`group${j}`);
      const expected = expectedGenerated(j);
      expect(found?.idpId).toBe(normalizeDn(groupDn(j)));
      expect(new Set(found?.memberIdpIds), `group${j} (${groupKind(j)})`).toEqual(expected.dns);
      expect(new Set(found?.memberUsernames ?? []), `group${j} (${groupKind(j)}) usernames`).toEqual(
        expected.usernames,
      );
    }
    // group3: its own 100 by DN and posix group2's 100 by username.
    expect(byName.get("group3")?.memberIdpIds).toHaveLength(100);
    expect(byName.get("group3")?.memberUsernames).toHaveLength(100);
  });

  it("keeps entryUUID and the group's own attributes in raw attributes, not its member lists", async () => {
    const { byName } = await readGroups();
    const posix = byName.get("posix");
    expect(posix?.rawAttributes).toMatchObject({
      dn: `cn=posix,${GROUPS_DN}`,
      cn: "posix",
      gidNumber: "5000",
      objectClass: "posixGroup",
    });
    expect(posix?.rawAttributes.entryUUID).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(byName.get("group0")?.rawAttributes ?? {})).not.toContain("member");
  });

  it("reports a group without a name as an invalid record", async () => {
    const { items } = await readGroups(source({ attributes: { group_name: "description" } }));
    expect(items).toContainEqual({
      kind: "invalid",
      ref: `cn=spaced,${GROUPS_DN}`,
      message: expect.stringContaining("no group name"),
    });
    expect(items.filter((i) => i.kind === "record")).toHaveLength(SHAPE.groups);
  });
});
