/**
 * A `google workspace` directory end to end: created through the API, synced by the engine (on
 * its own thread, as `roster serve` runs it) from the Google stand-in over loopback HTTP, through
 * the connector's production code path; only `api_url` and the key's `token_uri` point elsewhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import {
  type GoogleStandin,
  type ServiceAccountKeyFile,
  startGoogleStandin,
} from "../../../test/support/google-standin.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);
const SECRET = { ROSTER_SECRET_KEY: "google-pull-sync-test-key-0123456789" };
const ADMIN = "admin@acme.test";

interface ListedUser {
  username: string;
  state: string;
  first_name: string | null;
  last_name: string | null;
  job_title: string | null;
  emails: { value: string; primary: boolean }[];
  groups: { name: string }[];
  raw_attributes: Record<string, unknown>;
}

describe.each(DIALECTS)("google workspace directories end to end on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let google: GoogleStandin;
  let key: ServiceAccountKeyFile;
  let dirId: string;
  const people = new Map<string, string>();
  const groups = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(dialect, SECRET);
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
    google = await startGoogleStandin();
    key = google.serviceAccount();
    people.set("admin", google.addUser(ADMIN, { isAdmin: true, name: { givenName: "Ad", familyName: "Min" } }).id);
    people.set(
      "ada",
      google.addUser("ada@acme.test", {
        name: { givenName: "Åda", familyName: "Lövelace" },
        organizations: [{ title: "Engineer" }],
        emails: [
          { address: "ada@acme.test", primary: true },
          { address: "ada@home.example", type: "home" },
        ],
        customSchemas: { Employment: { costCenter: "CC-7" } },
        orgUnitPath: "/Eng",
      }).id,
    );
    people.set("bob", google.addUser("bob@acme.test", { name: { givenName: "Bob", familyName: "Builder" } }).id);
    people.set("cy", google.addUser("cy@acme.test", { suspended: true }).id);
    people.set("dee", google.addUser("dee@acme.test", { archived: true }).id);
    people.set("eve", google.addUser("eve@acme.test", { name: { givenName: "Eve" } }).id);
    const eng = google.addGroup("Eng", [people.get("ada") as string]);
    groups.set("Eng", eng.id);
    groups.set("All", google.addGroup("All", [people.get("bob") as string, eng.id]).id);
  });
  afterAll(async () => {
    await t?.close();
    await google?.close();
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

  it("is created with its key file sealed, shown only as service_account_key_set", async () => {
    const connector = {
      service_account_key: JSON.stringify(key),
      admin_email: ADMIN,
      api_url: google.baseUrl,
      max_removal_percent: 100,
    };
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Google", type: "google workspace", connector },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().connector).toEqual({
      service_account_key_set: true,
      admin_email: ADMIN,
      api_url: google.baseUrl,
      max_removal_percent: 100,
    });
    dirId = created.json().id as string;
    const stored = await t.storage.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(String(stored.connector)).not.toContain("PRIVATE KEY");
    expect(String(stored.connector)).not.toContain(key.client_email);
    const shown = await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin });
    expect(shown.body).not.toContain("PRIVATE KEY");
  });

  it("a full run creates users (suspended and archived inactive) and groups with nested members expanded, with SCIM's events", async () => {
    const before = await lastEventId();
    const run = await sync();
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { created: 6, failed: 0 },
      group_counts: { created: 2, failed: 0 },
    });
    const users = await usersOf();
    expect([...users.entries()].map(([name, u]) => [name, u.state, u.groups.map((g) => g.name).sort()])).toEqual([
      ["ada", "active", ["All", "Eng"]],
      ["admin", "active", []],
      ["bob", "active", ["All"]],
      ["cy", "inactive", []],
      ["dee", "inactive", []],
      ["eve", "active", []],
    ]);
    expect(users.get("ada")).toMatchObject({ first_name: "Åda", last_name: "Lövelace", job_title: "Engineer" });
    expect(users.get("ada")?.emails.map((e) => [e.value, e.primary])).toEqual([
      ["ada@acme.test", true],
      ["ada@home.example", false],
    ]);
    expect(users.get("bob")?.emails.map((e) => e.value)).toEqual(["bob@acme.test"]);
    expect(users.get("ada")?.raw_attributes).toMatchObject({
      id: people.get("ada"),
      orgUnitPath: "/Eng",
      customSchemas: { Employment: { costCenter: "CC-7" } },
    });
    const events = await eventsSince(before);
    expect(events.filter((e) => e === "dsync.user.created")).toHaveLength(6);
    expect(events.filter((e) => e === "dsync.group.created")).toHaveLength(2);
    expect(events.filter((e) => e === "dsync.group.user_added")).toHaveLength(3);
  });

  it("a second full run applies changes: a suspension, a rename, a member removed, a user deleted in Google, through a 429 and an expired token", async () => {
    const before = await lastEventId();
    const requestsBefore = google.requests.length;
    google.updateUser(people.get("bob") as string, { suspended: true });
    google.updateUser(people.get("ada") as string, { name: { givenName: "Ada", familyName: "Lovelace" } });
    google.groups.get(groups.get("All") as string)?.members.delete(groups.get("Eng") as string);
    google.deleteUser(people.get("eve") as string);
    google.throttle(/\/groups$/, 1, { retryAfterS: 1 });
    google.expireTokensAfter(1);
    const run = await sync({ mode: "full" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { updated: 2, deactivated: 1, failed: 0 },
    });
    const users = await usersOf();
    expect(users.get("bob")?.state).toBe("inactive");
    expect(users.get("ada")).toMatchObject({ first_name: "Ada", last_name: "Lovelace" });
    expect(users.get("ada")?.groups.map((g) => g.name)).toEqual(["Eng"]);
    // A user Google no longer has is deactivated (or deleted, per the directory's setting).
    expect(users.get("eve")?.state).toBe("inactive");
    const events = await eventsSince(before);
    expect(events).toContain("dsync.group.user_removed");
    expect(events.filter((e) => e === "dsync.user.updated").length).toBeGreaterThanOrEqual(2);
    const asked = google.requests.slice(requestsBefore);
    expect(asked.filter((r) => r === "POST /token")).toHaveLength(2);
    expect(asked.filter((r) => r.startsWith("GET /admin/directory/v1/groups?")).length).toBeGreaterThanOrEqual(2);
  });

  it("a delta run reads the user list alone and applies it", async () => {
    const requestsBefore = google.requests.length;
    google.updateUser(people.get("bob") as string, { suspended: false });
    const run = await sync({ mode: "delta" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "delta",
      counts: { updated: 1, deactivated: 0 },
    });
    expect((await usersOf()).get("bob")?.state).toBe("active");
    expect(google.requests.slice(requestsBefore).filter((r) => r.includes("/groups"))).toEqual([]);
  });

  it("a single-user sync looks the user up by primary address and applies it", async () => {
    google.updateUser(people.get("ada") as string, { organizations: [{ title: "Chief Engineer" }] });
    const res = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/sync/users/ADA@acme.test`,
      headers: admin,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ mode: "user", state: "succeeded", counts: { updated: 1 } });
    expect((await usersOf()).get("ada")?.job_title).toBe("Chief Engineer");
  });

  it("a key Google refuses fails the run as invalid_credentials with Google's message, never the key, and removes nothing", async () => {
    const forged = { ...google.serviceAccount([], "forger"), client_email: key.client_email };
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { service_account_key: forged } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.body).not.toContain("PRIVATE KEY");
    const run = await sync();
    expect(run).toMatchObject({
      state: "failed",
      failure: {
        reason: "invalid_credentials",
        message: expect.stringContaining("Invalid JWT Signature. (invalid_grant)"),
      },
    });
    expect(JSON.stringify(run)).not.toContain("PRIVATE KEY");
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
      "invalid_credentials",
    );
    expect((await usersOf()).get("ada")?.state).toBe("active");
  });
});
