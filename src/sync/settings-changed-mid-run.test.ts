/**
 * A run's delta watermark is taken for the connector settings it started with. When the settings
 * change while it runs (a PATCH between its start and its finish), the run must not save it, and a
 * change of what the source reads (`include_app_groups`, `group_filter`, the address) makes the
 * next run a full one. Driven end to end against the Okta and Entra stand-ins, a request held mid-run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { type EntraStandin, startEntraStandin } from "../../test/support/entra-standin.js";
import { type OktaStandin, startOktaStandin } from "../../test/support/okta-standin.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);
const SECRET = { ROSTER_SECRET_KEY: "settings-mid-run-test-key-0123456789" };
const OLD = "2026-01-01T00:00:00.000Z";

describe.each(DIALECTS)("settings changed while a run runs, on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let okta: OktaStandin;
  let entra: EntraStandin;

  beforeAll(async () => {
    t = await createTestApp(dialect, SECRET);
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
    okta = await startOktaStandin();
    entra = await startEntraStandin();
  });
  afterAll(async () => {
    await t?.close();
    await okta?.close();
    await entra?.close();
  });

  async function createDirectory(type: string, connector: Record<string, unknown>): Promise<string> {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: type, type, connector: { ...connector, max_removal_percent: 100 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json().id as string;
  }

  async function start(dirId: string, payload: Record<string, unknown> = {}): Promise<void> {
    const started = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload });
    expect(started.statusCode, started.body).toBe(202);
  }

  async function finished(dirId: string) {
    await t.app.sync.idle();
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  }

  async function sync(dirId: string, payload: Record<string, unknown> = {}) {
    await start(dirId, payload);
    return finished(dirId);
  }

  async function patch(dirId: string, connector: Record<string, unknown>): Promise<void> {
    const patched = await t.app.inject({
      method: "PATCH",
      url: `/directories/${dirId}`,
      headers: admin,
      payload: { connector },
    });
    expect(patched.statusCode, patched.body).toBe(200);
  }

  async function watermark(dirId: string): Promise<string | null> {
    return (
      await t.storage.db
        .selectFrom("directory_syncs")
        .select("watermark")
        .where("directory_id", "=", dirId)
        .executeTakeFirstOrThrow()
    ).watermark;
  }

  async function states(dirId: string): Promise<Record<string, string>> {
    const rows = await t.storage.db
      .selectFrom("directory_users")
      .select(["username", "state"])
      .where("directory_id", "=", dirId)
      .orderBy("username")
      .execute();
    return Object.fromEntries(rows.map((r) => [r.username, r.state]));
  }

  async function groupNames(dirId: string): Promise<string[]> {
    const rows = await t.storage.db
      .selectFrom("directory_groups")
      .select("name")
      .where("directory_id", "=", dirId)
      .orderBy("name")
      .execute();
    return rows.map((r) => r.name);
  }

  it("okta api: include_app_groups turned on during a delta run keeps that run's watermark out, and the next run is full and reads the app groups", async () => {
    const ada = okta.addUser({ login: "ada@acme.test" }, "ACTIVE", OLD);
    okta.addGroup("Eng", [ada.id], "OKTA_GROUP", OLD);
    okta.addGroup("AD Admins", [ada.id], "APP_GROUP", OLD);
    const dirId = await createDirectory("okta api", { org_url: okta.orgUrl, token: okta.token });
    expect(await sync(dirId)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await groupNames(dirId)).toEqual(["Eng"]);
    expect(await watermark(dirId)).not.toBeNull();

    const held = okta.gates.hold(/^\/api\/v1\/groups\?/);
    await start(dirId, { mode: "delta" });
    await held.reached;
    await patch(dirId, { include_app_groups: true });
    held.release();
    expect(await finished(dirId)).toMatchObject({ state: "succeeded", mode: "delta" });
    expect(await watermark(dirId)).toBeNull();

    const next = await sync(dirId, { mode: "delta" });
    expect(next, JSON.stringify(next.failure)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await groupNames(dirId)).toEqual(["AD Admins", "Eng"]);
  });

  it("entra id: graph_url moved during a full run keeps the old host's delta links out, so the next run is full and succeeds", async () => {
    for (let i = 0; i < 3; i++) entra.addUser({ userPrincipalName: `u${i}@contoso.test` });
    const dirId = await createDirectory("entra id", entra.connector);
    expect(await sync(dirId)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await watermark(dirId)).toContain(`${entra.origin}/v1.0/users/delta`);

    // The run takes its delta links first, then lists users and groups; it is held at the groups.
    const held = entra.gates.hold(/^\/v1\.0\/groups\?/);
    await start(dirId, { mode: "full" });
    await held.reached;
    await patch(dirId, { graph_url: entra.graphUrl.replace("127.0.0.1", "localhost") });
    held.release();
    expect(await finished(dirId)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await watermark(dirId)).toBeNull();

    const next = await sync(dirId, { mode: "delta" });
    expect(next, JSON.stringify(next.failure)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await watermark(dirId)).toMatch(/^\{"users":"http:\/\/localhost:/);
  });

  it("entra id: a PATCH of group_filter drops the kept delta links, so removing the filter later brings back by a full run the users it left out", async () => {
    const [kept, other] = [
      entra.addUser({ userPrincipalName: "kept@fabrikam.test" }),
      entra.addUser({ userPrincipalName: "other@fabrikam.test" }),
    ];
    entra.addGroup("Chosen", [kept.id]);
    const dirId = await createDirectory("entra id", entra.connector);
    expect(await sync(dirId)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await watermark(dirId)).not.toBeNull();

    await patch(dirId, { group_filter: ["Chosen"] });
    expect(await watermark(dirId)).toBeNull();
    expect(await sync(dirId)).toMatchObject({ state: "succeeded", mode: "full" });
    expect(await states(dirId)).toMatchObject({ "kept@fabrikam.test": "active", "other@fabrikam.test": "inactive" });

    await patch(dirId, { group_filter: null });
    const next = await sync(dirId, { mode: "delta" });
    expect(next, JSON.stringify(next.failure)).toMatchObject({ state: "succeeded", mode: "full" });
    expect((await states(dirId))[other.userPrincipalName]).toBe("active");
  });
});
