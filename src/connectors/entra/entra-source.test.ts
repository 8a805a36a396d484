import { describe, expect, it } from "vitest";
import { EntraStandin } from "../../../test/support/entra-standin.js";
import { readRecords as all, readSignal as signal, standinForSuite } from "../../../test/support/standin-suite.js";
import { SourceError, type SourceGroup, type SourceRemoval, type SourceUser } from "../source.js";
import type { EntraConfig } from "./entra-config.js";
import { createEntraSource } from "./entra-source.js";

async function removalsOf(items: AsyncIterable<SourceRemoval> | undefined): Promise<SourceRemoval[]> {
  const out: SourceRemoval[] = [];
  for await (const r of items ?? []) out.push(r);
  return out;
}

describe("entra id source against the Entra stand-in", () => {
  const entra = standinForSuite(new EntraStandin(), (tenant) => {
    for (let i = 0; i < 1200; i++)
      tenant.addUser({
        userPrincipalName: `user${i}@acme.test`,
        mail: `user${i}@acme.com`,
        givenName: `First${i}`,
        surname: `Last${i}`,
      });
  });
  const config = (extra: Partial<EntraConfig> = {}): EntraConfig =>
    ({ ...(entra.connector as unknown as EntraConfig), ...extra }) as EntraConfig;
  const source = (extra: Partial<EntraConfig> = {}) => createEntraSource(config(extra), { maxWaitMs: 5000 });

  it("maps every field the mapping reads; accountEnabled false is inactive; a user without a mailbox has no email", async () => {
    const ada = entra.addUser({
      userPrincipalName: "ada@acme.test",
      mail: "Ada.Lovelace@acme.com",
      otherMails: ["ada@home.test"],
      givenName: "Åda",
      surname: "Lövelace-Ŝmith",
      jobTitle: "エンジニア",
      employeeId: "E-0042",
      department: "R&D",
      onPremisesSamAccountName: "alovelace",
      onPremisesImmutableId: "c2FtcGxl",
      onPremisesExtensionAttributes: { extensionAttribute1: "cost-center-7" },
    });
    const off = entra.addUser({ userPrincipalName: "off@acme.test", accountEnabled: false });
    const nomail = entra.addUser({ userPrincipalName: "nomail@acme.test", mail: null, givenName: null, surname: null });
    try {
      const users = await all<SourceUser>(source().users({ signal: signal() }));
      const byId = new Map(users.map((u) => [u.idpId, u]));
      expect(byId.get(ada.id)).toMatchObject({
        username: "ada@acme.test",
        active: true,
        firstName: "Åda",
        lastName: "Lövelace-Ŝmith",
        jobTitle: "エンジニア",
        emails: [
          { value: "Ada.Lovelace@acme.com", type: "work", primary: true },
          { value: "ada@home.test", type: "other", primary: false },
        ],
      });
      expect(byId.get(ada.id)?.rawAttributes).toMatchObject({
        id: ada.id,
        employeeId: "E-0042",
        department: "R&D",
        onPremisesSamAccountName: "alovelace",
        onPremisesExtensionAttributes: { extensionAttribute1: "cost-center-7" },
      });
      expect(byId.get(ada.id)?.rawAttributes).not.toHaveProperty("@odata.type");
      expect(byId.get(off.id)?.active).toBe(false);
      expect(byId.get(nomail.id)).toMatchObject({ active: true, emails: [], firstName: null, lastName: null });
    } finally {
      for (const u of [ada, off, nomail]) entra.users.delete(u.id);
    }
  });

  it("pages users 999 at a time by following @odata.nextLink, with $select", async () => {
    const before = entra.requests.length;
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1200);
    const lists = entra.requests.slice(before).filter((r) => r.startsWith("GET /v1.0/users"));
    expect(lists).toHaveLength(2);
    expect(lists[0]).toMatch(/^GET \/v1\.0\/users\?\$select=id,userPrincipalName,accountEnabled,.*&\$top=999$/);
    expect(lists[1]).toContain("$skiptoken=");
  });

  it("reads security and Microsoft 365 groups with their users, nested groups flattened (cycles too), distribution lists left out", async () => {
    const ids = [...entra.users.keys()];
    const inner = entra.addGroup("Inner", [ids[0] as string, ids[1] as string]);
    const outer = entra.addGroup("Outer Ünïcode", [ids[2] as string, inner.id], "microsoft365");
    entra.setMembers(inner.id, { add: [outer.id] }); // a cycle
    const dl = entra.addGroup("All-hands list", [ids[3] as string], "distribution");
    try {
      const groups = await all<SourceGroup>(source().groups({ signal: signal() }));
      const byName = new Map(groups.map((g) => [g.name, g]));
      expect([...byName.keys()].sort()).toEqual(["Inner", "Outer Ünïcode"]);
      expect([...(byName.get("Outer Ünïcode")?.memberIdpIds ?? [])].sort()).toEqual([ids[0], ids[1], ids[2]].sort());
      expect([...(byName.get("Inner")?.memberIdpIds ?? [])].sort()).toEqual([ids[0], ids[1], ids[2]].sort());
      expect(byName.get("Outer Ünïcode")?.rawAttributes).toMatchObject({ id: outer.id, groupTypes: ["Unified"] });
    } finally {
      for (const g of [inner, outer, dl]) entra.deleteGroup(g.id);
    }
  });

  it("reads a group of 20,000 members across pages of 999", async () => {
    const many: string[] = [];
    for (let i = 0; i < 18_800; i++) many.push(entra.addUser({ userPrincipalName: `bulk${i}@acme.test` }).id);
    const everyone = entra.addGroup("Everyone", [...entra.users.keys()]);
    try {
      const before = entra.requests.length;
      const groups = await all<SourceGroup>(source().groups({ signal: signal() }));
      expect(groups).toHaveLength(1);
      expect(new Set(groups[0]?.memberIdpIds).size).toBe(20_000);
      expect(
        entra.requests.slice(before).filter((r) => r.includes(`/groups/${everyone.id}/transitiveMembers`)),
      ).toHaveLength(21);
    } finally {
      entra.deleteGroup(everyone.id);
      for (const id of many) entra.users.delete(id);
    }
  }, 60_000);

  it("waits out a 429 with Retry-After in the middle of a list and resumes where it was", async () => {
    entra.throttle(/^\/v1\.0\/users$/, 1, { retryAfterS: 1 });
    const started = Date.now();
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("takes a new token when the one it holds expires mid-run", async () => {
    const issued = entra.tokensIssued;
    entra.expireTokensAfter(1);
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1200);
    expect(entra.tokensIssued - issued).toBe(2);
  });

  it("refuses a wrong secret as invalid_credentials with Entra's message and never the secret", async () => {
    const wrong = "wrong-secret-value~123";
    const failure = await source({ client_secret: wrong })
      .check(signal())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("AADSTS7000215: Invalid client secret provided"),
    });
    expect(String((failure as Error).message)).not.toContain(wrong);
    expect(String((failure as Error).message)).not.toContain("Trace ID");
  });

  it("names a permission Graph refuses", async () => {
    entra.roles.delete("Group.Read.All");
    try {
      const failure = await all(source().groups({ signal: signal() })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(failure).toMatchObject({
        reason: "invalid_credentials",
        message: expect.stringContaining("Group.Read.All not granted"),
      });
    } finally {
      entra.roles.add("Group.Read.All");
    }
  });

  it("a delta round reads the changed users whole, the changed groups and those they are nested in, and reports removals", async () => {
    const ids = [...entra.users.keys()];
    const team = entra.addGroup("Team", [ids[0] as string]);
    const parent = entra.addGroup("Parent", [team.id]);
    const doomed = entra.addGroup("Doomed", []);
    const src = source();
    const watermark = await src.watermark(signal());
    expect(watermark).not.toBeNull();
    entra.updateUser(ids[5] as string, { jobTitle: "Promoted" });
    entra.deleteUser(ids[6] as string);
    entra.setMembers(team.id, { add: [ids[7] as string] });
    entra.deleteGroup(doomed.id);
    const before = entra.requests.length;
    const delta = createEntraSource(config(), { maxWaitMs: 5000 });
    const users = await all<SourceUser>(delta.users({ signal: signal(), changedSince: watermark as string }));
    const groups = await all<SourceGroup>(delta.groups({ signal: signal(), changedSince: watermark as string }));
    const removed = await removalsOf(delta.removals?.({ signal: signal(), changedSince: watermark as string }));
    expect(users.map((u) => [u.idpId, u.jobTitle, u.username])).toEqual([[ids[5], "Promoted", "user5@acme.test"]]);
    expect(groups.map((g) => [g.name, [...g.memberIdpIds].sort()]).sort()).toEqual([
      ["Parent", [ids[0], ids[7]].sort()],
      ["Team", [ids[0], ids[7]].sort()],
    ]);
    expect(removed).toEqual([
      { kind: "user", idpId: ids[6] },
      { kind: "group", idpId: doomed.id },
    ]);
    const asked = entra.requests.slice(before);
    expect(asked.some((r) => r.startsWith("GET /v1.0/users/delta?") && r.includes("$deltatoken="))).toBe(true);
    expect(asked.some((r) => r.includes(`$filter=id in ('${ids[5]}')`))).toBe(true);
    expect(asked.filter((r) => r.startsWith("GET /v1.0/users?$select")).length).toBe(0);
    for (const g of [team, parent]) entra.deleteGroup(g.id);
  });

  it("refuses delta links kept from another Graph than graph_url's", async () => {
    const watermark = await source().watermark(signal());
    const moved = source({ graph_url: "http://127.0.0.1:1/v1.0" });
    const failure = await all(moved.users({ signal: signal(), changedSince: watermark as string })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ reason: "misconfigured", message: expect.stringContaining("run a full sync") });
  });

  it("with group_filter reads only the named groups' members (by name or id) and no delta", async () => {
    const ids = [...entra.users.keys()];
    const sub = entra.addGroup("Sub", [ids[10] as string]);
    const chosen = entra.addGroup("Roster Users", [ids[11] as string, sub.id]);
    const other = entra.addGroup("Other", [ids[12] as string]);
    try {
      const src = source({ group_filter: ["Roster Users"] });
      expect(src.supportsDelta).toBe(false);
      const users = await all<SourceUser>(src.users({ signal: signal() }));
      expect(users.map((u) => u.idpId).sort()).toEqual([ids[10], ids[11]].sort());
      const groups = await all<SourceGroup>(src.groups({ signal: signal() }));
      expect(groups.map((g) => g.name)).toEqual(["Roster Users"]);
      const upn = (id: string | undefined) => entra.users.get(id as string)?.userPrincipalName as string;
      expect(await src.findUser(upn(ids[10]), signal())).toMatchObject({ idpId: ids[10] });
      expect(await src.findUser(upn(ids[12]), signal())).toBeNull();
      const byId = await all<SourceGroup>(source({ group_filter: [sub.id] }).groups({ signal: signal() }));
      expect(byId.map((g) => g.name)).toEqual(["Sub"]);
      const missing = await all(source({ group_filter: ["Nobody's group"] }).users({ signal: signal() })).then(
        () => null,
        (e: unknown) => e,
      );
      expect(missing).toMatchObject({ reason: "misconfigured", message: expect.stringContaining(`"Nobody's group"`) });
    } finally {
      for (const g of [sub, chosen, other]) entra.deleteGroup(g.id);
    }
  });

  it("finds one user by userPrincipalName, case-insensitively", async () => {
    expect(await source().findUser("USER3@acme.test", signal())).toMatchObject({ username: "user3@acme.test" });
    expect(await source().findUser("nobody@acme.test", signal())).toBeNull();
  });
});
