import { describe, expect, it, vi } from "vitest";
import { GoogleStandin, SCOPES, type ServiceAccountKeyFile } from "../../../test/support/google-standin.js";
import {
  readRecords as all,
  readSignal as signal,
  standinForSuite,
  withStandin,
} from "../../../test/support/standin-suite.js";
import { SourceError, type SourceGroup, type SourceUser } from "../source.js";
import type { GoogleConfig } from "./google-config.js";
import { googleKind } from "./google-kind.js";
import { createGoogleSource, type GoogleSourceOptions } from "./google-source.js";

const ADMIN = "admin@acme.test";

describe("google workspace source against the Google stand-in", () => {
  let key: ServiceAccountKeyFile;
  const google = standinForSuite(new GoogleStandin(), (workspace) => {
    key = workspace.serviceAccount();
    workspace.addUser(ADMIN, { isAdmin: true, name: { givenName: "Ad", familyName: "Min" } });
    for (let i = 0; i < 1099; i++)
      workspace.addUser(`user${i}@acme.test`, { name: { givenName: `First${i}`, familyName: `Last${i}` } });
  });
  const config = (change: Partial<GoogleConfig> = {}): GoogleConfig => ({
    service_account_key: JSON.stringify(key),
    admin_email: ADMIN,
    api_url: google.baseUrl,
    ...change,
  });
  const source = (change: Partial<GoogleConfig> = {}, options: GoogleSourceOptions = {}) =>
    createGoogleSource(config(change), { maxWaitMs: 3000, ...options });

  it("maps every field the mapping reads; suspended and archived users are inactive", async () => {
    const ada = google.addUser("ada@acme.test", {
      name: { givenName: "Åda", familyName: "Lövelace-Ñúñez" },
      emails: [
        { address: "ada@acme.test", primary: true },
        { address: "ada@home.example", type: "home" },
        { address: "a.lovelace@acme.test" },
      ],
      organizations: [{ title: "Engineer", department: "R&D" }, { title: "Mentor" }],
      orgUnitPath: "/Engineering/Research",
      customSchemas: { Employment: { employeeNumber: "E-1001", costCenter: "CC-7" } },
    });
    const sus = google.addUser("sus@acme.test", { suspended: true });
    const arch = google.addUser("arch@acme.test", { archived: true });
    const plain = google.addUser("plain@acme.test", { name: { givenName: "Zoë", familyName: "Ægir" } });
    try {
      const users = await all<SourceUser>(source().users({ signal: signal() }));
      const byId = new Map(users.map((u) => [u.idpId, u]));
      expect(byId.get(ada.id)).toMatchObject({
        username: "ada@acme.test",
        active: true,
        firstName: "Åda",
        lastName: "Lövelace-Ñúñez",
        jobTitle: "Engineer",
        emails: [
          { value: "ada@acme.test", type: "work", primary: true },
          { value: "ada@home.example", type: "home", primary: false },
          { value: "a.lovelace@acme.test", type: null, primary: false },
        ],
      });
      // projection=full: custom schemas reach raw_attributes, with the org unit; the sign-in stamp does not.
      expect(byId.get(ada.id)?.rawAttributes).toMatchObject({
        orgUnitPath: "/Engineering/Research",
        customSchemas: { Employment: { employeeNumber: "E-1001" } },
      });
      expect(byId.get(ada.id)?.rawAttributes).not.toHaveProperty("lastLoginTime");
      expect(byId.get(sus.id)?.active).toBe(false);
      expect(byId.get(arch.id)?.active).toBe(false);
      // No emails[] at all: the primary address alone.
      expect(byId.get(plain.id)).toMatchObject({
        firstName: "Zoë",
        lastName: "Ægir",
        jobTitle: null,
        emails: [{ value: "plain@acme.test", type: "work", primary: true }],
      });
    } finally {
      for (const u of [ada, sus, arch, plain]) google.deleteUser(u.id);
    }
  });

  it("pages users 500 at a time by pageToken, for my_customer, with custom schemas", async () => {
    const before = google.requests.length;
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1100);
    const lists = google.requests.slice(before).filter((r) => r.startsWith("GET /admin/directory/v1/users?"));
    expect(lists).toHaveLength(3);
    expect(lists[0]).toBe("GET /admin/directory/v1/users?customer=my_customer&maxResults=500&projection=full");
    expect(lists[1]).toMatch(/&pageToken=/);
    // One token for the whole read.
    expect(google.requests.slice(before).filter((r) => r === "POST /token")).toHaveLength(1);
  });

  it("lists one domain when domain is set, and says what is wrong with a customer ID that is not the account's", async () => {
    const before = google.requests.length;
    await all(source({ domain: "acme.test" }).users({ signal: signal() }));
    expect(google.requests.slice(before).find((r) => r.includes("/users?"))).toBe(
      "GET /admin/directory/v1/users?domain=acme.test&maxResults=500&projection=full",
    );
    await expect(source({ customer_id: "C0other" }).check(signal())).rejects.toMatchObject({
      reason: "misconfigured",
      message: expect.stringContaining("customer_id"),
    });
  });

  it("expands groups inside groups into flat member lists, cycles and all, reading each nested group once", async () => {
    const ids = [...google.users.keys()];
    const inner = google.addGroup("Inner", [ids[1] as string, ids[2] as string]);
    const loop = google.addGroup("Loop", [ids[3] as string, inner.id]);
    inner.members.set(loop.id, "GROUP");
    const outer = google.addGroup("Outer", [ids[4] as string, loop.id]);
    const empty = google.addGroup("Empty", []);
    try {
      const before = google.requests.length;
      const groups = await all<SourceGroup>(source().groups({ signal: signal() }));
      const byName = new Map(groups.map((g) => [g.name, [...g.memberIdpIds].sort()]));
      expect(byName.get("Inner")).toEqual([ids[1], ids[2], ids[3]].sort());
      expect(byName.get("Loop")).toEqual([ids[1], ids[2], ids[3]].sort());
      expect(byName.get("Outer")).toEqual([ids[1], ids[2], ids[3], ids[4]].sort());
      expect(byName.get("Empty")).toEqual([]);
      expect(groups.find((g) => g.name === "Outer")?.rawAttributes).toMatchObject({ id: outer.id, email: outer.email });
      const memberReads = google.requests.slice(before).filter((r) => r.includes("/members"));
      // Inner and Loop are read once as groups and once as nested groups; Outer and Empty once.
      expect(memberReads.length).toBeLessThanOrEqual(6);
      expect(memberReads[0]).toMatch(/\/members\?maxResults=200$/);
    } finally {
      for (const g of [inner, loop, outer, empty]) google.groups.delete(g.id);
    }
  });

  it("expands a CUSTOMER member (all users in the organization) into every user of the account, listed once per run", async () => {
    const ids = [...google.users.keys()];
    const everyone = google.addGroup("Everyone", [google.customerId], { [google.customerId]: "CUSTOMER" });
    const wrapper = google.addGroup("Staff", [everyone.id, ids[0] as string]);
    const also = google.addGroup("All Hands", [google.customerId], { [google.customerId]: "CUSTOMER" });
    try {
      const before = google.requests.length;
      const groups = await all<SourceGroup>(source().groups({ signal: signal() }));
      const byName = new Map(groups.map((g) => [g.name, new Set(g.memberIdpIds)]));
      const accountUsers = new Set(google.users.keys());
      expect(accountUsers.size).toBeGreaterThan(1000);
      expect(byName.get("Everyone")).toEqual(accountUsers);
      expect(byName.get("Staff")).toEqual(accountUsers);
      expect(byName.get("All Hands")).toEqual(accountUsers);
      // Three groups hold the account: its users are listed once (3 pages of 500), ids only.
      const accountReads = google.requests
        .slice(before)
        .filter((r) => r.includes(`/users?customer=${google.customerId}`));
      expect(accountReads).toHaveLength(Math.ceil(accountUsers.size / 500));
      expect(decodeURIComponent(accountReads[0] ?? "")).toContain("fields=users(id),nextPageToken");
    } finally {
      for (const g of [everyone, wrapper, also]) google.groups.delete(g.id);
    }
  });

  it("leaves out a group deleted between the group list and its member list", async () => {
    const doomed = google.addGroup("Doomed", [[...google.users.keys()][0] as string]);
    const kept = google.addGroup("Kept", []);
    // Its member list is throttled once: the group is deleted while the connector waits to ask again.
    google.throttle(new RegExp(`/groups/${doomed.id}/members$`), 1, { retryAfterS: 1 });
    const reading = all<SourceGroup>(source().groups({ signal: signal() }));
    await vi.waitFor(() => expect(google.requests.some((r) => r.includes(`/groups/${doomed.id}/members`))).toBe(true));
    google.groups.delete(doomed.id);
    try {
      expect((await reading).map((g) => g.name)).toEqual(["Kept"]);
    } finally {
      google.groups.delete(kept.id);
    }
  });

  it("reads no groups on a delta read: Google has no change feed, so a delta run is the user list alone", async () => {
    const team = google.addGroup("Team", [[...google.users.keys()][0] as string]);
    try {
      const before = google.requests.length;
      const src = source();
      const users = await all<SourceUser>(src.users({ signal: signal(), changedSince: "2026-01-01T00:00:00.000Z" }));
      expect(users).toHaveLength(1100);
      expect(await all(src.groups({ signal: signal(), changedSince: "2026-01-01T00:00:00.000Z" }))).toEqual([]);
      expect(google.requests.slice(before).filter((r) => r.includes("/groups"))).toEqual([]);
    } finally {
      google.groups.delete(team.id);
    }
  });

  it("backs off on a 429 (Retry-After) and a 403 userRateLimitExceeded mid-run, then goes on", async () => {
    google.throttle(/\/users$/, 1, { status: 429, retryAfterS: 1 });
    google.throttle(/\/users$/, 1, { status: 403 });
    const started = Date.now();
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1100);
    // A second for Retry-After, then about a second of exponential backoff.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it("gives up after its retries when the quota stays exceeded, as unreachable, saying why", async () => {
    google.throttle(/\/users$/, 3, { retryAfterS: 0 });
    const failure = await source({}, { retries: 1 })
      .check(signal())
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: "unreachable", message: expect.stringContaining("rateLimitExceeded") });
    google.throttle(/\/users$/, 0);
    await source()
      .check(signal())
      .catch(() => undefined);
  });

  it("gets a new token when the access token expires mid-run, and finishes the read", async () => {
    const before = google.requests.length;
    google.expireTokensAfter(1);
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(1100);
    const asked = google.requests.slice(before);
    expect(asked.filter((r) => r === "POST /token")).toHaveLength(2);
  });

  it("reports a key Google does not know as invalid_credentials with Google's words, never the key", async () => {
    const stranger = { ...google.serviceAccount([], "other"), client_email: key.client_email };
    const failure = await source({ service_account_key: JSON.stringify(stranger) })
      .check(signal())
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("Invalid JWT Signature. (invalid_grant)"),
    });
    expect((failure as Error).message).not.toContain("PRIVATE KEY");
    const noAdmin = await source({ admin_email: "nobody@acme.test" })
      .check(signal())
      .catch((e: unknown) => e);
    expect(noAdmin).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("Invalid email or User ID"),
    });
  });

  it("reports an admin_email who is not an admin as invalid_credentials", async () => {
    const failure = await source({ admin_email: "user1@acme.test" })
      .check(signal())
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("Not Authorized to access this resource/api"),
    });
  });

  it("finds one user by primary address, case-insensitively; an alias or a stranger is no one", async () => {
    const src = source();
    google.updateUser([...google.users.values()][5]?.id as string, { aliases: ["alias5@acme.test"] });
    expect((await src.findUser("USER4@acme.test", signal()))?.username).toBe("user4@acme.test");
    expect(await src.findUser("alias5@acme.test", signal())).toBeNull();
    expect(await src.findUser("nobody@acme.test", signal())).toBeNull();
  });

  it("reads a group of 20,000 members across 100 pages", async () => {
    await withStandin(new GoogleStandin(), async (org) => {
      const file = org.serviceAccount();
      org.addUser(ADMIN, { isAdmin: true });
      const ids = Array.from(
        { length: 20_000 },
        (_, i) => org.addUser(`m${i}@acme.test`, { name: { givenName: "Zoë", familyName: "Ñúñez" } }).id,
      );
      org.addGroup("Всё", ids);
      const src = createGoogleSource({
        service_account_key: JSON.stringify(file),
        admin_email: ADMIN,
        api_url: org.baseUrl,
      });
      const groups = await all<SourceGroup>(src.groups({ signal: signal() }));
      expect(groups.map((g) => [g.name, g.memberIdpIds.length])).toEqual([["Всё", 20_000]]);
      expect(new Set(groups[0]?.memberIdpIds)).toEqual(new Set(ids));
      expect(org.requests.filter((r) => r.includes("/members?"))).toHaveLength(100);
    });
  }, 60_000);
});

describe("the google workspace test action", () => {
  const google = standinForSuite(new GoogleStandin(), (workspace) => workspace.addUser(ADMIN, { isAdmin: true }));

  const test = (file: ServiceAccountKeyFile, admin = ADMIN) =>
    googleKind.test(
      { service_account_key: JSON.stringify(file), admin_email: admin, api_url: google.baseUrl },
      { signal: signal() },
    );

  it("obtains a token for each scope, then lists a user", async () => {
    const checks = await test(google.serviceAccount());
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ["service account and admin_email", true],
      ["scope admin.directory.user.readonly", true],
      ["scope admin.directory.group.readonly", true],
      ["scope admin.directory.group.member.readonly", true],
      ["Directory API users.list", true],
    ]);
  });

  it("names the scope the client ID was not delegated", async () => {
    const checks = await test(google.serviceAccount([SCOPES.users, SCOPES.members], "partial"));
    expect(checks.filter((c) => !c.ok).map((c) => c.message)).toEqual([
      expect.stringMatching(
        /^scope admin\.directory\.group\.readonly not authorized for this client: .*unauthorized_client/,
      ),
    ]);
  });

  it("says the credentials were refused, and checks no scope, for a key Google does not know", async () => {
    const good = google.serviceAccount([], "known");
    const forged = { ...google.serviceAccount([], "forger"), client_email: good.client_email };
    const checks = await test(forged);
    expect(checks[0]).toMatchObject({
      name: "service account and admin_email",
      ok: false,
      message: expect.stringContaining("Invalid JWT Signature."),
    });
    expect(checks.slice(1).every((c) => !c.ok && c.message.startsWith("not checked"))).toBe(true);
    expect(JSON.stringify(checks)).not.toContain("PRIVATE KEY");
  });

  it("says when admin_email may not read the directory", async () => {
    google.addUser("clerk@acme.test");
    const checks = await test(google.serviceAccount([...Object.values(SCOPES)], "clerkish"), "clerk@acme.test");
    expect(checks.at(-1)).toMatchObject({
      name: "Directory API users.list",
      ok: false,
      message: expect.stringContaining("Not Authorized"),
    });
  });
});
