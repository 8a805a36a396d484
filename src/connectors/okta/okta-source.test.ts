import { describe, expect, it, vi } from "vitest";
import { OktaStandin } from "../../../test/support/okta-standin.js";
import {
  LONG_AGO as OLD,
  readRecords as all,
  readSignal,
  standinForSuite,
  withStandin,
} from "../../../test/support/standin-suite.js";
import { startFakeUpstream } from "../scim-pull/upstream-test-support.js";
import { SourceError, type SourceGroup, type SourceItem, type SourceUser } from "../source.js";
import { createOktaSource, type OktaSourceOptions } from "./okta-source.js";

const signal = () => readSignal(20_000);

describe("okta api source against the Okta stand-in", () => {
  const okta = standinForSuite(new OktaStandin(), (org) => {
    for (let i = 0; i < 430; i++)
      org.addUser({ login: `user${i}@acme.test`, firstName: `First${i}`, lastName: `Last${i}` }, "ACTIVE", OLD);
  });
  const source = (config: { token?: string; include_app_groups?: boolean } = {}, options: OktaSourceOptions = {}) =>
    createOktaSource(
      {
        org_url: `${okta.orgUrl}/api/v1/`,
        token: config.token ?? okta.token,
        include_app_groups: config.include_app_groups,
      },
      { maxWaitMs: 5000, ...options },
    );

  it("maps every field the mapping reads and the statuses to active or inactive", async () => {
    const ada = okta.addUser(
      {
        login: "ada@acme.test",
        email: "ada@acme.com",
        secondEmail: "ada@home.test",
        firstName: "Åda",
        lastName: "Lövelace",
        title: "Engineer",
        department: "R&D",
      },
      "LOCKED_OUT",
      OLD,
    );
    const sus = okta.addUser({ login: "sus@acme.test" }, "SUSPENDED", OLD);
    const gone = okta.addUser({ login: "gone@acme.test" }, "DEPROVISIONED", OLD);
    const staged = okta.addUser({ login: "staged@acme.test", email: undefined }, "STAGED", OLD);
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    const byId = new Map(users.map((u) => [u.idpId, u]));
    expect(byId.get(ada.id)).toMatchObject({
      username: "ada@acme.test",
      active: true,
      firstName: "Åda",
      lastName: "Lövelace",
      jobTitle: "Engineer",
      emails: [
        { value: "ada@acme.com", type: "work", primary: true },
        { value: "ada@home.test", type: "other", primary: false },
      ],
    });
    expect(byId.get(ada.id)?.rawAttributes).toMatchObject({
      id: ada.id,
      status: "LOCKED_OUT",
      profile: { department: "R&D" },
    });
    expect(byId.get(ada.id)?.rawAttributes).not.toHaveProperty("_links");
    expect(byId.get(sus.id)?.active).toBe(false);
    // A plain list leaves DEPROVISIONED users out: the source lists them apart, as inactive.
    expect(byId.get(gone.id)?.active).toBe(false);
    expect(byId.get(staged.id)).toMatchObject({ active: true, emails: [] });
    for (const u of [ada, sus, gone, staged]) okta.users.delete(u.id);
  });

  it("pages users by following the Link rel=next header, 200 at a time", async () => {
    const before = okta.requests.length;
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(430);
    const lists = okta.requests.slice(before).filter((r) => r.startsWith("GET /api/v1/users?"));
    // 430 users: 3 pages; then the DEPROVISIONED list, one empty page.
    expect(lists).toHaveLength(4);
    expect(lists[0]).toBe("GET /api/v1/users?limit=200");
    expect(lists[1]).toMatch(/after=00u/);
    expect(decodeURIComponent(lists[3] ?? "")).toContain('filter=status eq "DEPROVISIONED"');
  });

  it("reads Okta groups with their members (paged); app groups only when asked; never BUILT_IN", async () => {
    const ids = [...okta.users.keys()];
    const big = okta.addGroup("Everyone at Acme", ids.slice(0, 250), "OKTA_GROUP", OLD);
    const app = okta.addGroup("AD Admins", ids.slice(0, 2), "APP_GROUP", OLD);
    const builtIn = okta.addGroup("Everyone", ids, "BUILT_IN", OLD);
    try {
      const groups = await all<SourceGroup>(source().groups({ signal: signal() }));
      expect(groups.map((g) => g.name)).toEqual(["Everyone at Acme"]);
      expect([...(groups[0]?.memberIdpIds ?? [])].sort()).toEqual(ids.slice(0, 250).sort());
      expect(groups[0]?.rawAttributes).toMatchObject({ id: big.id, type: "OKTA_GROUP" });
      const withApps = await all<SourceGroup>(source({ include_app_groups: true }).groups({ signal: signal() }));
      expect(withApps.map((g) => g.idpId).sort()).toEqual([big.id, app.id].sort());
      expect(withApps.some((g) => g.idpId === builtIn.id)).toBe(false);
    } finally {
      for (const g of [big, app, builtIn]) okta.groups.delete(g.id);
    }
  });

  it("reads only what changed since the watermark on a delta read", async () => {
    const src = source();
    await src.check(signal());
    const watermark = (await src.watermark(signal())) ?? "";
    expect(watermark).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const ids = [...okta.users.keys()];
    const team = okta.addGroup("Team", ids.slice(0, 3), "OKTA_GROUP", OLD);
    const quiet = okta.addGroup("Quiet", ids.slice(0, 3), "OKTA_GROUP", OLD);
    try {
      okta.updateUser(ids[5] as string, { status: "DEPROVISIONED" });
      okta.updateUser(ids[6] as string, { profile: { title: "Chief" } });
      okta.setMembers(team.id, { remove: [ids[0] as string] });
      const users = await all<SourceUser>(src.users({ signal: signal(), changedSince: watermark }));
      expect(users.map((u) => [u.idpId, u.active, u.jobTitle])).toEqual([
        [ids[5], false, null],
        [ids[6], true, "Chief"],
      ]);
      const groups = await all<SourceGroup>(src.groups({ signal: signal(), changedSince: watermark }));
      expect(groups.map((g) => [g.name, g.memberIdpIds.length])).toEqual([["Team", 2]]);
    } finally {
      okta.updateUser(ids[5] as string, { status: "ACTIVE" });
      for (const g of [team, quiet]) okta.groups.delete(g.id);
    }
  });

  it("refuses a watermark that is not an Okta timestamp rather than put it in a filter", async () => {
    await expect(
      all(source().users({ signal: signal(), changedSince: '2026" or status eq "ACTIVE' })),
    ).rejects.toMatchObject({ reason: "misconfigured" });
  });

  it("finds one user by login, case-insensitively; a short name or a stranger is no one", async () => {
    const src = source();
    const found = await src.findUser("USER7@acme.test", signal());
    expect(found?.username).toBe("user7@acme.test");
    expect(await src.findUser("user7", signal())).toBeNull();
    expect(await src.findUser("nobody@acme.test", signal())).toBeNull();
  });

  it("reports a refused token as invalid_credentials with Okta's summary, never the token", async () => {
    const failure = await source({ token: "00wrong-token-value" })
      .check(signal())
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SourceError);
    expect(failure).toMatchObject({
      reason: "invalid_credentials",
      message: expect.stringContaining("Invalid token provided (E0000011)"),
    });
    expect((failure as Error).message).not.toContain("00wrong-token-value");
    await expect(all(source({ token: "00nope" }).users({ signal: signal() }))).rejects.toMatchObject({
      reason: "invalid_credentials",
    });
  });

  it("waits for X-Rate-Limit-Reset after a 429, then goes on", async () => {
    okta.throttle(/^\/api\/v1\/users$/, 1);
    const started = Date.now();
    const users = await all<SourceUser>(source().users({ signal: signal() }));
    expect(users).toHaveLength(430);
    // The reset was the next whole second, at least a few hundred ms away.
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("gives up after its retries when the limit stays exceeded, as unreachable, saying why", async () => {
    okta.throttle(/^\/api\/v1\/users$/, 3);
    const failure = await source({}, { retries: 1 })
      .check(signal())
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: "unreachable", message: expect.stringContaining("rate limit") });
    okta.throttle(/^\/api\/v1\/users$/, 0);
    await source()
      .check(signal())
      .catch(() => undefined);
  });

  it("slows down when X-Rate-Limit-Remaining is nearly spent, instead of meeting a 429", async () => {
    const src = source();
    okta.remaining.set("/api/v1/users", 2);
    await src.check(signal());
    const started = Date.now();
    await src.check(signal());
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it("stops waiting out a rate limit as soon as the run is cancelled", async () => {
    okta.throttle(/^\/api\/v1\/users$/, 5);
    const controller = new AbortController();
    const reading = all(source({}, { maxWaitMs: 60_000 }).users({ signal: controller.signal })).catch(
      (e: unknown) => e,
    );
    await vi.waitFor(() => expect(okta.requests.at(-1)).toMatch(/users\?limit=200$/));
    const started = Date.now();
    controller.abort(new Error("cancelled"));
    expect(await reading).toMatchObject({ message: "cancelled" });
    expect(Date.now() - started).toBeLessThan(1000);
    okta.throttle(/^\/api\/v1\/users$/, 0);
  });

  it("does not follow a next link to another origin: the token would go with it", async () => {
    const fake = await startFakeUpstream((url) => {
      const elsewhere = `http://localhost:${new URL(fakeOrigin).port}/api/v1/users?after=x`;
      return {
        body: [{ id: "00u1", status: "ACTIVE", profile: { login: "a@acme.test" } }],
        headers: { link: `<${elsewhere}>; rel="next"`, "x-path": url.pathname },
      };
    });
    const fakeOrigin = new URL(fake.baseUrl).origin;
    try {
      const src = createOktaSource({ org_url: fakeOrigin, token: "00tok" });
      const failure = await all(src.users({ signal: signal() })).catch((e: unknown) => e);
      expect(failure).toMatchObject({ reason: "bad_response", message: expect.stringContaining("not followed") });
      expect(fake.requests).toEqual(["/api/v1/users?limit=200"]);
    } finally {
      await fake.close();
    }
  });

  it("stops when Okta gives the same next link twice, rather than loop", async () => {
    const fake = await startFakeUpstream(() => ({
      body: [],
      headers: { link: `<${fakeOrigin}/api/v1/groups?after=same>; rel="next"` },
    }));
    const fakeOrigin = new URL(fake.baseUrl).origin;
    try {
      const src = createOktaSource({ org_url: fakeOrigin, token: "00tok" });
      await expect(all(src.groups({ signal: signal() }))).rejects.toMatchObject({
        reason: "bad_response",
        message: expect.stringContaining("never end"),
      });
      expect(fake.requests).toHaveLength(2);
    } finally {
      await fake.close();
    }
  });

  it("does not follow a redirect (the token would go along) and says where it pointed", async () => {
    const fake = await startFakeUpstream(() => ({
      status: 301,
      headers: { location: "https://acme.okta.com/api/v1/users?limit=1" },
    }));
    try {
      const src = createOktaSource({ org_url: new URL(fake.baseUrl).origin, token: "00tok" });
      await expect(src.check(signal())).rejects.toMatchObject({
        reason: "misconfigured",
        message: expect.stringContaining("redirect to https://acme.okta.com"),
      });
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });

  it("reads a group of 20,000 members across 100 pages, non-ASCII names and all", async () => {
    await withStandin(new OktaStandin(), async (org) => {
      const ids = Array.from(
        { length: 20_000 },
        (_, i) => org.addUser({ login: `m${i}@acme.test`, firstName: "Zoë", lastName: "Ñúñez" }, "ACTIVE", OLD).id,
      );
      org.addGroup("Всё", ids, "OKTA_GROUP", OLD);
      const src = createOktaSource(org.connector);
      const groups = await all<SourceGroup>(src.groups({ signal: signal() }));
      expect(groups.map((g) => [g.name, g.memberIdpIds.length])).toEqual([["Всё", 20_000]]);
      expect(new Set(groups[0]?.memberIdpIds)).toEqual(new Set(ids));
      expect(org.requests.filter((r) => r.includes("/users?"))).toHaveLength(100);
    });
  }, 60_000);

  it("reads a user deactivated between the two lists of a full run once", async () => {
    await withStandin(new OktaStandin(), async (org) => {
      const ada = org.addUser({ login: "ada@acme.test" }, "ACTIVE", OLD);
      const src = createOktaSource(org.connector);
      const items: SourceItem<SourceUser>[] = [];
      for await (const item of src.users({ signal: signal() })) {
        items.push(item);
        // Okta deactivates her after she was listed, before the DEPROVISIONED list is asked for.
        org.updateUser(ada.id, { status: "DEPROVISIONED" });
      }
      expect(items.map((i) => (i.kind === "record" ? i.record.idpId : i.ref))).toEqual([ada.id]);
    });
  });
});
