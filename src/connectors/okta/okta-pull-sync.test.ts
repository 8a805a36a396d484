/**
 * An `okta api` directory end to end: created through the API, synced by the engine (on its own
 * thread, as `roster serve` runs it) from the Okta stand-in over loopback HTTP, through the
 * connector's production code path; only `org_url` points somewhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { type OktaStandin, startOktaStandin } from "../../../test/support/okta-standin.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);
const SECRET = { ROSTER_SECRET_KEY: "okta-pull-sync-test-key-0123456789" };
const OLD = "2026-01-01T00:00:00.000Z";

interface ListedUser {
  username: string;
  state: string;
  job_title: string | null;
  emails: { value: string; primary: boolean }[];
  groups: { name: string }[];
  raw_attributes: Record<string, unknown>;
}

describe.each(DIALECTS)("okta api directories end to end on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let okta: OktaStandin;
  let dirId: string;
  const people = new Map<string, string>();
  const groups = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(dialect, SECRET);
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
    okta = await startOktaStandin();
    for (const [name, status] of [
      ["ada", "ACTIVE"],
      ["bob", "PASSWORD_EXPIRED"],
      ["cy", "SUSPENDED"],
      ["dee", "DEPROVISIONED"],
      ["eve", "ACTIVE"],
    ] as const) {
      const user = okta.addUser(
        {
          login: `${name}@acme.test`,
          email: `${name}@acme.com`,
          firstName: name.toUpperCase(),
          lastName: "Okta",
          title: name === "ada" ? "Engineer" : null,
        },
        status,
        OLD,
      );
      people.set(name, user.id);
    }
    groups.set("Eng", okta.addGroup("Eng", [people.get("ada"), people.get("bob")] as string[], "OKTA_GROUP", OLD).id);
    okta.addGroup("Everyone", [...people.values()], "BUILT_IN", OLD);
  });
  afterAll(async () => {
    await t?.close();
    await okta?.close();
  });

  async function finished() {
    await t.app.sync.idle();
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  }

  async function sync(payload: Record<string, unknown> = {}) {
    const started = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload });
    expect(started.statusCode, started.body).toBe(202);
    return finished();
  }

  async function usersOf(): Promise<Map<string, ListedUser>> {
    const res = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${dirId}&limit=100&order=asc`,
      headers: admin,
    });
    const listed = (res.json().data as ListedUser[]).sort((a, b) => a.username.localeCompare(b.username));
    return new Map(listed.map((u) => [u.username.split("@")[0] as string, u]));
  }

  async function eventsSince(after: string): Promise<string[]> {
    const rows = await t.storage.db
      .selectFrom("events")
      .select(["id", "event"])
      .where("directory_id", "=", dirId)
      .where("id", ">", after)
      .where("event", "like", "dsync.%")
      .orderBy("id")
      .execute();
    return rows.map((r) => r.event).sort();
  }

  async function lastEventId(): Promise<string> {
    const row = await t.storage.db
      .selectFrom("events")
      .select("id")
      .where("directory_id", "=", dirId)
      .where("event", "like", "dsync.%")
      .orderBy("id", "desc")
      .executeTakeFirst();
    return row?.id ?? "";
  }

  it("is created with its token sealed, shown only as token_set", async () => {
    const connector = { org_url: okta.orgUrl, token: okta.token, max_removal_percent: 100 };
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Okta", type: "okta api", connector },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().connector).toEqual({ org_url: okta.orgUrl, token_set: true, max_removal_percent: 100 });
    dirId = created.json().id as string;
    const stored = await t.storage.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(String(stored.connector)).not.toContain(okta.token);
    const bad = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Okta", type: "okta api", connector: { org_url: "acme.okta.com" } },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["connector.org_url", "connector.token"]);
  });

  it("a dry run plans the whole directory and writes nothing", async () => {
    const eventBefore = await lastEventId();
    const run = await sync({ dry_run: true });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      dry_run: true,
      counts: { created: 5 },
      group_counts: { created: 1 },
    });
    expect(run.changes).toEqual(
      expect.arrayContaining([
        { action: "create", kind: "user", ref: "ada@acme.test" },
        { action: "create", kind: "group", ref: "Eng" },
      ]),
    );
    expect((await usersOf()).size).toBe(0);
    expect(await lastEventId()).toBe(eventBefore);
  });

  it("a full run creates users (Okta statuses as states), the Okta groups and their members, with SCIM's events", async () => {
    const before = await lastEventId();
    const run = await sync();
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { created: 5, failed: 0 },
      group_counts: { created: 1, failed: 0 },
    });
    const users = await usersOf();
    expect([...users.entries()].map(([name, u]) => [name, u.state, u.groups.map((g) => g.name)])).toEqual([
      ["ada", "active", ["Eng"]],
      ["bob", "active", ["Eng"]],
      ["cy", "inactive", []],
      ["dee", "inactive", []],
      ["eve", "active", []],
    ]);
    expect(users.get("ada")).toMatchObject({
      job_title: "Engineer",
      emails: [expect.objectContaining({ value: "ada@acme.com", primary: true })],
    });
    expect(users.get("ada")?.raw_attributes).toMatchObject({
      id: people.get("ada"),
      status: "ACTIVE",
      profile: { login: "ada@acme.test" },
    });
    const events = await eventsSince(before);
    expect(events.filter((e) => e === "dsync.user.created")).toHaveLength(5);
    expect(events.filter((e) => e === "dsync.group.created")).toHaveLength(1);
    expect(events.filter((e) => e === "dsync.group.user_added")).toHaveLength(2);
  });

  it("a delta run reads only what changed in Okta and applies it: a suspension, a member removed, a new group", async () => {
    const before = await lastEventId();
    const requestsBefore = okta.requests.length;
    okta.updateUser(people.get("bob") as string, { status: "SUSPENDED" });
    okta.setMembers(groups.get("Eng") as string, { remove: [people.get("ada") as string] });
    groups.set("Ops", okta.addGroup("Ops", [people.get("eve") as string]).id);
    const run = await sync({ mode: "delta" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "delta",
      counts: { updated: 1, created: 0, deactivated: 0, unchanged: 0 },
    });
    expect(run.group_counts).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    const users = await usersOf();
    expect(users.get("bob")?.state).toBe("inactive");
    expect(users.get("ada")?.groups).toEqual([]);
    expect(users.get("eve")?.groups.map((g) => g.name)).toEqual(["Ops"]);
    // bob's deactivation also takes him out of Eng's member list (the directory's deactivated_members policy), as a SCIM deactivation would.
    expect(await eventsSince(before)).toEqual([
      "dsync.group.created",
      "dsync.group.user_added",
      "dsync.group.user_removed",
      "dsync.group.user_removed",
      "dsync.user.updated",
    ]);
    const asked = okta.requests.slice(requestsBefore).map(decodeURIComponent);
    expect(asked.some((r) => /\/api\/v1\/users\?.*filter=lastUpdated gt "/.test(r))).toBe(true);
    // Only the changed groups' members were read.
    expect(asked.filter((r) => /\/groups\/[^/]+\/users/.test(r))).toHaveLength(2);
  });

  it("a single-user sync looks the user up by login and applies it", async () => {
    okta.updateUser(people.get("ada") as string, { profile: { title: "Chief Engineer" } });
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/sync/users/ADA@acme.test`,
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ mode: "user", state: "succeeded", counts: { updated: 1 } });
    expect((await usersOf()).get("ada")?.job_title).toBe("Chief Engineer");
    expect(okta.requests.at(-1)).toBe("GET /api/v1/users/ADA%40acme.test");
  });

  it("a full run waits out a 429 until X-Rate-Limit-Reset and finishes; a user deleted in Okta is then deactivated", async () => {
    okta.deleteUser(people.get("eve") as string);
    okta.throttle(/^\/api\/v1\/groups$/, 1);
    const run = await sync({ mode: "full" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { deactivated: 1, failed: 0 },
    });
    expect(okta.requests.filter((r) => r.startsWith("GET /api/v1/groups?")).length).toBeGreaterThanOrEqual(2);
    expect((await usersOf()).get("eve")?.state).toBe("inactive");
  });

  it("a refused token fails the run as invalid_credentials with Okta's message, never the token, and removes nothing", async () => {
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { token: "00revoked-token-secret" } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const run = await sync();
    expect(run).toMatchObject({
      state: "failed",
      failure: { reason: "invalid_credentials", message: expect.stringContaining("Invalid token provided") },
    });
    expect(JSON.stringify(run)).not.toContain("00revoked-token-secret");
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
      "invalid_credentials",
    );
    expect((await usersOf()).get("ada")?.state).toBe("active");
  });

  it("switches to a service app (the API token removed, the private key sealed and shown only as private_key_set) and syncs with it", async () => {
    const app = okta.addServiceApp();
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { token: null, client_id: app.clientId, private_key: app.privatePem } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().connector).toEqual({
      org_url: okta.orgUrl,
      client_id: app.clientId,
      private_key_set: true,
      max_removal_percent: 100,
    });
    const stored = await t.storage.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(String(stored.connector)).not.toContain("PRIVATE KEY");
    const tokensBefore = okta.tokenAnswers.length;
    const run = await sync({ mode: "full" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({ state: "succeeded", mode: "full", counts: { failed: 0 } });
    expect(okta.tokenAnswers.slice(tokensBefore)).toContain("issued DPoP");
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).not.toBe(
      "invalid_credentials",
    );
    // A key Okta does not know for the app: the run fails as invalid_credentials with Okta's error, never the key.
    const other = okta.addServiceApp();
    await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { private_key: other.privatePem } },
    });
    const refused = await sync();
    expect(refused).toMatchObject({
      state: "failed",
      failure: {
        reason: "invalid_credentials",
        message: expect.stringContaining("The client_assertion signature is invalid. (invalid_client)"),
      },
    });
    expect(JSON.stringify(refused)).not.toContain("PRIVATE KEY");
  });
});
