import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { memoryConnector, memoryData, sourceUser } from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { insertRun } from "./run-records.js";
import { type Runner, runnerIsGone, runnerText, thisRunner } from "./run-runner.js";
import { acquireLease, LEASE_TTL_MS } from "./sync-lease.js";

const admin = bearer(ADMIN_KEY);

describe("runnerIsGone", () => {
  const self: Runner = { host: "web-1", pidNamespace: "pid:[1]", pid: 100, boot: "b-now" };
  const alive = (pid: number) => pid === 200;

  it("knows a run of this host is dead when its process no longer exists, or its pid is now this process's", () => {
    expect(runnerIsGone(runnerText({ ...self, pid: 300, boot: "b-old" }), self, alive)).toBe(true);
    expect(runnerIsGone(runnerText({ ...self, boot: "b-old" }), self, alive)).toBe(true);
  });

  it("never judges a live process, this process, another host or another pid namespace", () => {
    expect(runnerIsGone(runnerText({ ...self, pid: 200, boot: "b-other" }), self, alive)).toBe(false);
    expect(runnerIsGone(runnerText(self), self, alive)).toBe(false);
    expect(runnerIsGone(runnerText({ ...self, host: "web-2", pid: 300 }), self, alive)).toBe(false);
    expect(runnerIsGone(runnerText({ ...self, pidNamespace: "pid:[2]", pid: 300 }), self, alive)).toBe(false);
    expect(runnerIsGone(null, self, alive)).toBe(false);
    expect(runnerIsGone("not json", self, alive)).toBe(false);
  });
});

describe.each(DIALECTS)("runs whose process died, on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  const data = memoryData();

  beforeAll(async () => {
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "abandoned-test-secret-key-0123456789" },
      { logger: false, connectorKinds: { ldap: memoryConnector(data) } },
    );
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t.close());

  async function pullDirectory(): Promise<string> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "LDAP", type: "ldap", connector: { host: "ldap.test" } },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  /** A run another process began (its lease taken, its row written), which then stopped without a word. */
  async function orphan(dirId: string, runner: Runner) {
    const id = t.deps.ids("syncRun");
    const now = t.clock.now();
    expect(await acquireLease(t.storage.db, dirId, id, now)).toEqual({ acquired: true });
    await insertRun(t.storage.db, {
      id,
      directoryId: dirId,
      organizationId: orgId,
      mode: "full",
      trigger: "manual",
      dryRun: false,
      username: null,
      runner: runnerText(runner),
      now,
    });
    return id;
  }

  async function runOf(dirId: string, runId: string) {
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs/${runId}`, headers: admin })).json();
  }

  async function failedEvents(dirId: string) {
    const rows = await t.storage.db
      .selectFrom("events")
      .select("data")
      .where("directory_id", "=", dirId)
      .where("event", "=", "connector.sync.failed")
      .execute();
    return rows.map((r) => JSON.parse(r.data));
  }

  it("a run of another host is recorded as failed once its lease expired, by any process, with its event, and frees the lease", async () => {
    const dirId = await pullDirectory();
    const runId = await orphan(dirId, { host: "elsewhere", pidNamespace: null, pid: 1, boot: "b" });
    expect(await t.app.sync.reclaimAbandoned()).toBe(0);
    const busy = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(busy.statusCode).toBe(409);

    t.clock.advance(LEASE_TTL_MS + 1000);
    expect(await t.app.sync.reclaimAbandoned()).toBe(1);
    const row = await t.storage.db
      .selectFrom("sync_runs")
      .selectAll()
      .where("id", "=", runId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      state: "failed",
      failure_reason: "interrupted",
      failure_message: "The process running this sync stopped before it finished",
    });
    expect(await failedEvents(dirId)).toEqual([
      expect.objectContaining({
        id: runId,
        state: "failed",
        failure: { reason: "interrupted", message: expect.any(String) },
      }),
    ]);
    // Once only, however many processes look.
    expect(await t.app.sync.reclaimAbandoned()).toBe(0);
    const lease = await t.storage.db
      .selectFrom("directory_syncs")
      .select("lease_run_id")
      .where("directory_id", "=", dirId)
      .executeTakeFirstOrThrow();
    expect(lease.lease_run_id).toBeNull();
  });

  it("a run of a dead process of this host is recorded as failed at once, and a new run does not wait for its lease", async () => {
    const dirId = await pullDirectory();
    const self = thisRunner();
    // An earlier process with this process's pid (a restarted container): certainly dead.
    const runId = await orphan(dirId, { ...self, boot: "an-earlier-start" });
    data.users = [sourceUser("ada")];
    const next = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(next.statusCode, next.body).toBe(202);
    await t.app.sync.idle();
    expect(await runOf(dirId, runId)).toMatchObject({ state: "failed", failure: { reason: "interrupted" } });
    expect(await runOf(dirId, next.json().id)).toMatchObject({ state: "succeeded", counts: { created: 1 } });
    expect(await failedEvents(dirId)).toHaveLength(1);
  });

  it("a run of this process is never taken for dead", async () => {
    const dirId = await pullDirectory();
    let open: () => void = () => {};
    data.gate = new Promise((resolve) => (open = resolve));
    const started = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(started.statusCode).toBe(202);
    expect(await t.app.sync.reclaimAbandoned()).toBe(0);
    open();
    await t.app.sync.idle();
    data.gate = null;
    expect(await runOf(dirId, started.json().id)).toMatchObject({ state: "succeeded" });
  });
});
