/**
 * An `entra id` directory end to end: created through the API, synced by the engine (on its own
 * thread, as `roster serve` runs it) from the Entra stand-in over loopback HTTP, through the
 * connector's production code path; only `graph_url` and `token_url` point somewhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { type EntraStandin, startEntraStandin } from "../../../test/support/entra-standin.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);
const SECRET = { ROSTER_SECRET_KEY: "entra-pull-sync-test-key-0123456789" };
const PEOPLE = 200;

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

describe.each(DIALECTS)("entra id directories end to end on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let entra: EntraStandin;
  let dirId: string;
  const ids: string[] = [];
  const groups = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(dialect, SECRET);
    ({ orgId } = await createOrgWithKey(t.app, "Contoso"));
    entra = await startEntraStandin();
    for (let i = 0; i < PEOPLE; i++) {
      ids.push(
        entra.addUser({
          userPrincipalName: `u${String(i).padStart(3, "0")}@contoso.test`,
          mail: `u${i}@contoso.com`,
          givenName: `Given${i}`,
          surname: "Person",
          employeeId: `E${i}`,
        }).id,
      );
    }
    entra.updateUser(ids[0] as string, {
      givenName: "Zoë",
      surname: "Ångström-Núñez",
      jobTitle: "研究員",
      mail: null,
      onPremisesSamAccountName: "zangstrom",
    });
    entra.updateUser(ids[1] as string, { accountEnabled: false });
    const eng = entra.addGroup("Engineering", [ids[2] as string, ids[3] as string]);
    groups.set("Engineering", eng.id);
    groups.set("All Staff", entra.addGroup("All Staff", [eng.id, ids[0] as string], "microsoft365").id);
    entra.addGroup("Newsletter", [ids[4] as string], "distribution");
  });
  afterAll(async () => {
    await t?.close();
    await entra?.close();
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

  async function user(username: string): Promise<ListedUser | undefined> {
    const rows = await t.storage.db
      .selectFrom("directory_users")
      .select("id")
      .where("directory_id", "=", dirId)
      .where("username_lower", "=", username.toLowerCase())
      .execute();
    if (rows.length === 0) return undefined;
    return (
      await t.app.inject({ method: "GET", url: `/directory_users/${rows[0]?.id}`, headers: admin })
    ).json() as ListedUser;
  }

  async function countUsers(state?: string): Promise<number> {
    let query = t.storage.db
      .selectFrom("directory_users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("directory_id", "=", dirId);
    if (state) query = query.where("state", "=", state);
    return Number((await query.executeTakeFirstOrThrow()).n);
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

  it("is created with its client secret sealed, shown only as client_secret_set", async () => {
    const connector = { ...entra.connector, max_removal_percent: 100 };
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Contoso", type: "entra id", connector },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { client_secret: _, ...shown } = connector;
    expect(created.json().connector).toEqual({ ...shown, client_secret_set: true });
    dirId = created.json().id as string;
    const stored = await t.storage.db
      .selectFrom("directories")
      .select("connector")
      .where("id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(String(stored.connector)).not.toContain(entra.clientSecret);
    const bad = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: {
        organization_id: orgId,
        name: "Contoso",
        type: "entra id",
        connector: { tenant_id: "contoso.onmicrosoft.com" },
      },
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(["connector.client_id", "connector.client_secret"]);
  });

  it("a full run creates the users (accountEnabled as state, no mail, non-ASCII names) and the security and Microsoft 365 groups with nested members flattened", async () => {
    const before = await lastEventId();
    const run = await sync();
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { created: PEOPLE, failed: 0 },
      group_counts: { created: 2, failed: 0 },
    });
    const zoe = await user("u000@contoso.test");
    expect(zoe).toMatchObject({
      state: "active",
      first_name: "Zoë",
      last_name: "Ångström-Núñez",
      job_title: "研究員",
      emails: [],
    });
    expect(zoe?.groups.map((g) => g.name)).toEqual(["All Staff"]);
    expect(zoe?.raw_attributes).toMatchObject({ id: ids[0], employeeId: "E0", onPremisesSamAccountName: "zangstrom" });
    expect((await user("u001@contoso.test"))?.state).toBe("inactive");
    expect((await user("u002@contoso.test"))?.groups.map((g) => g.name).sort()).toEqual(["All Staff", "Engineering"]);
    const events = await eventsSince(before);
    expect(events.filter((e) => e === "dsync.user.created")).toHaveLength(PEOPLE);
    expect(events.filter((e) => e === "dsync.group.created")).toHaveLength(2);
    expect(events.filter((e) => e === "dsync.group.user_added")).toHaveLength(5);
  });

  it("a delta run with 1 % changed reads only the changes: two users updated, one deleted (deactivated), a member added to a nested group", async () => {
    const before = await lastEventId();
    const requestsBefore = entra.requests.length;
    entra.updateUser(ids[10] as string, { jobTitle: "Staff Engineer" });
    entra.updateUser(ids[11] as string, { accountEnabled: false });
    entra.deleteUser(ids[12] as string);
    entra.setMembers(groups.get("Engineering") as string, { add: [ids[13] as string] });
    const run = await sync({ mode: "delta" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "delta",
      counts: { updated: 2, created: 0, deactivated: 1, failed: 0 },
    });
    expect(run.group_counts).toMatchObject({ updated: 2, created: 0, deleted: 0 });
    expect((await user("u010@contoso.test"))?.job_title).toBe("Staff Engineer");
    expect((await user("u011@contoso.test"))?.state).toBe("inactive");
    expect((await user("u012@contoso.test"))?.state).toBe("inactive");
    expect((await user("u013@contoso.test"))?.groups.map((g) => g.name).sort()).toEqual(["All Staff", "Engineering"]);
    const events = await eventsSince(before);
    expect(events.filter((e) => e === "dsync.user.updated")).toHaveLength(3);
    expect(events.filter((e) => e === "dsync.group.user_added")).toHaveLength(2);
    const asked = entra.requests.slice(requestsBefore);
    // No list of the whole tenant: only the check's one-user read and the changed users by id.
    expect(asked.filter((r) => r.startsWith("GET /v1.0/users?") && r.includes("$top=999"))).toEqual([]);
    expect(asked.some((r) => r.startsWith("GET /v1.0/users/delta?") && !r.includes("latest"))).toBe(true);
    expect(asked.length).toBeLessThan(30);
  });

  it("a delta run deletes what Entra deleted when the directory removes by deletion; a deleted group goes too", async () => {
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { removal: "delete" } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    entra.deleteUser(ids[14] as string, true);
    entra.deleteGroup(groups.get("Engineering") as string);
    const run = await sync({ mode: "delta" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "delta",
      counts: { deleted: 1 },
      group_counts: { deleted: 1, updated: 1 },
    });
    expect(await user("u014@contoso.test")).toBeUndefined();
    // All Staff held Engineering: Entra reports its member change, and its flattened members lose Engineering's.
    expect((await user("u002@contoso.test"))?.groups).toEqual([]);
    expect((await user("u000@contoso.test"))?.groups.map((g) => g.name)).toEqual(["All Staff"]);
  });

  it("a changed graph_url drops the kept delta links (they name the old host): the next run is a full one, and keeps the new host's links", async () => {
    const watermark = async () =>
      (
        await t.storage.db
          .selectFrom("directory_syncs")
          .select("watermark")
          .where("directory_id", "=", dirId)
          .executeTakeFirstOrThrow()
      ).watermark;
    const kept = await watermark();
    expect(kept).toContain(`${entra.origin}/v1.0/users/delta`);
    // A setting that does not move the source keeps them.
    expect(
      (
        await t.app.inject({
          method: "PATCH",
          url: `/directories/${dirId}`,
          headers: admin,
          payload: { connector: { timeout_ms: 20_000 } },
        })
      ).statusCode,
    ).toBe(200);
    expect(await watermark()).toBe(kept);
    // The same Graph under another name: another origin, as a move to another cloud would be.
    const moved = entra.graphUrl.replace("127.0.0.1", "localhost");
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { graph_url: moved } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(await watermark()).toBeNull();
    const run = await sync({ mode: "delta" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({ state: "succeeded", mode: "full", counts: { failed: 0 } });
    const links = JSON.parse((await watermark()) ?? "{}") as { users?: string; groups?: string };
    expect(links.users).toMatch(/^http:\/\/localhost:\d+\/v1\.0\/users\/delta\?/);
    expect(links.groups).toMatch(/^http:\/\/localhost:\d+\/v1\.0\/groups\/delta\?/);
    // And a delta run follows them.
    expect(await sync({ mode: "delta" })).toMatchObject({ state: "succeeded", mode: "delta" });
    await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { graph_url: entra.graphUrl, timeout_ms: null } },
    });
    expect(await watermark()).toBeNull();
  });

  it("a full run waits out a 429 and a 503 with Retry-After mid-run, and takes a new token when its own expires", async () => {
    entra.throttle(/\/transitiveMembers\//, 1, { retryAfterS: 1 });
    entra.throttle(/^\/v1\.0\/users$/, 1, { status: 503, retryAfterS: 1 });
    entra.expireTokensAfter(3);
    const issued = entra.tokensIssued;
    entra.updateUser(ids[20] as string, { surname: "Renamed" });
    const run = await sync({ mode: "full" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      mode: "full",
      counts: { updated: 1, failed: 0 },
    });
    expect(entra.tokensIssued - issued).toBe(2);
    expect((await user("u020@contoso.test"))?.last_name).toBe("Renamed");
  });

  it("a refused client secret fails the run as invalid_credentials with Entra's message, never the secret, and removes nothing", async () => {
    const wrong = "Qq8~revoked-secret-value";
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { client_secret: wrong } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const active = await countUsers("active");
    const run = await sync();
    expect(run).toMatchObject({
      state: "failed",
      failure: { reason: "invalid_credentials", message: expect.stringContaining("AADSTS7000215") },
    });
    expect(JSON.stringify(run)).not.toContain(wrong);
    expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
      "invalid_credentials",
    );
    expect(await countUsers("active")).toBe(active);
    const restored = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector: { client_secret: entra.clientSecret } },
    });
    expect(restored.statusCode).toBe(200);
  });

  it("a full run brings in a group of 20,000 members read across pages", async () => {
    const more = 20_000 - entra.users.size;
    for (let i = 0; i < more; i++) entra.addUser({ userPrincipalName: `bulk${i}@contoso.test` });
    const everyone = entra.addGroup("Everyone", [...entra.users.keys()]);
    expect(everyone.members.size).toBe(20_000);
    const run = await sync({ mode: "full" });
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      counts: { failed: 0 },
      group_counts: { created: 1, failed: 0 },
    });
    const row = await t.storage.db
      .selectFrom("directory_groups")
      .select("id")
      .where("directory_id", "=", dirId)
      .where("name", "=", "Everyone")
      .executeTakeFirstOrThrow();
    const members = await t.storage.db
      .selectFrom("group_memberships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("group_id", "=", row.id)
      .executeTakeFirstOrThrow();
    expect(Number(members.n)).toBe(20_000);
    expect(entra.requests.filter((r) => r.includes(`/groups/${everyone.id}/transitiveMembers`))).toHaveLength(21);
  }, 180_000);
});
