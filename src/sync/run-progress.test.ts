// A running run reports how far it got (users and groups seen and written), so a screen can poll it;
// a dry run lists its planned changes and writes nothing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);

describe.each(DIALECTS)("sync run progress on %s", (dialect) => {
  let t: TestApp;
  let data: MemoryData;
  let orgId: string;

  beforeAll(async () => {
    data = memoryData();
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "run-progress-secret-key-0123456789", ROSTER_SYNC_BATCH_SIZE: "10" },
      { logger: false, connectorKinds: { ldap: memoryConnector(data) } },
    );
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  async function pullDirectory(): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: {
        organization_id: orgId,
        name: "LDAP",
        type: "ldap",
        connector: { host: "ldap.test", max_removal_percent: 100 },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id;
  }
  const current = async (id: string) =>
    (await t.app.inject({ method: "GET", url: `/directories/${id}/sync`, headers: admin })).json();
  const names = (n: number, prefix = "user") =>
    Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);

  it("shows users seen and written while the run is still reading, then the final numbers", async () => {
    const id = await pullDirectory();
    data.users = names(30).map((u) => sourceUser(u));
    data.groups = [sourceGroup("all", names(30))];
    let open: () => void = () => {};
    data.midGate = { after: 20, gate: new Promise((resolve) => (open = resolve)) };
    const started = await t.app.inject({ method: "POST", url: `/directories/${id}/sync`, headers: admin });
    expect(started.json().progress).toEqual({ users_seen: 0, users_written: 0, groups_seen: 0, groups_written: 0 });
    let halfway = await current(id);
    for (let i = 0; i < 100 && halfway.progress.users_seen === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      halfway = await current(id);
    }
    try {
      expect(halfway).toMatchObject({ state: "running", phase: "users" });
      expect(halfway.progress.users_seen).toBeGreaterThanOrEqual(10);
      expect(halfway.progress.users_seen).toBeLessThanOrEqual(20);
      expect(halfway.progress.users_written).toBe(halfway.progress.users_seen);
      expect(halfway.progress.groups_seen).toBe(0);
    } finally {
      open();
      await t.app.sync.idle();
    }
    const done = await current(id);
    expect(done.state).toBe("succeeded");
    expect(done.progress).toEqual({ users_seen: 30, users_written: 30, groups_seen: 1, groups_written: 1 });
  });

  it("a dry run sees everything, writes nothing, and lists the changes it would make", async () => {
    const id = await pullDirectory();
    data.users = names(3).map((u) => sourceUser(u));
    await t.app.inject({ method: "POST", url: `/directories/${id}/sync`, headers: admin });
    await t.app.sync.idle();
    data.users = [sourceUser("user000", { firstName: "Renamed" }), sourceUser("user001"), sourceUser("newcomer")];
    await t.app.inject({ method: "POST", url: `/directories/${id}/sync`, headers: admin, payload: { dry_run: true } });
    await t.app.sync.idle();
    const dry = await current(id);
    expect(dry).toMatchObject({ state: "succeeded", dry_run: true });
    expect(dry.progress).toEqual({ users_seen: 3, users_written: 0, groups_seen: 0, groups_written: 0 });
    const changes = (dry.changes as { action: string; ref: string }[]).map((c) => `${c.action} ${c.ref}`).sort();
    expect(changes).toHaveLength(3);
    expect(changes.some((c) => c.startsWith("create ") && c.includes("newcomer"))).toBe(true);
    expect(changes.some((c) => c.startsWith("update ") && c.includes("user000"))).toBe(true);
    expect(changes.some((c) => c.startsWith("deactivate ") && c.includes("user002"))).toBe(true);
    const listed = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${id}&limit=100&search=newcomer`,
      headers: admin,
    });
    expect(listed.json().data).toEqual([]);
  });
});
