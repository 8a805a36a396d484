import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { claimDueRuns } from "./delivery-claim.js";
import { dispatchEvents } from "./dispatcher.js";
import { settleEvents } from "./webhook-test-support.js";
import { createWorkerRegistry, type ProcessHere, thisProcess } from "./worker-registry.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";

/** Another process: on this host unless a host name is given, alive or not as told. */
function elsewhere(pid: number, alive: boolean, host = thisProcess.host, boot = thisProcess.boot): ProcessHere {
  return { host, pidNamespace: thisProcess.pidNamespace, pid, boot, isAlive: () => alive };
}

describe.each(DIALECTS)("taking back the delivery leases of a worker that is gone, on %s", (dialect) => {
  let t: TestApp;
  let endpointId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    const dir = await createScimDirectory(t.app);
    const endpoint = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: "http://127.0.0.1:9/hook", organization_id: dir.orgId },
    });
    endpointId = endpoint.json().id;
    const scim = scimClient(t.app, dir);
    for (let i = 0; i < 3; i++)
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `lease${i}@example.com` });
    await settleEvents(t.storage);
    await dispatchEvents(t.deps);
  });
  afterAll(async () => t?.close());

  /** Registers a worker as `here` would, and has it lease the endpoint's queue. */
  async function leasedBy(here: ProcessHere, options: { staleMs?: number } = {}) {
    const registry = createWorkerRegistry(t.deps, { here, ...options });
    await registry.register();
    const runs = await claimDueRuns(t.deps, { owner: registry.id, runs: 1, runSize: 10, leaseMs: 60_000 });
    expect(runs[0]?.deliveries).toHaveLength(3);
    return registry;
  }

  async function leaseOwners(): Promise<(string | null)[]> {
    const rows = await t.storage.db
      .selectFrom("webhook_deliveries")
      .select("claim_owner")
      .where("endpoint_id", "=", endpointId)
      .execute();
    return rows.map((r) => r.claim_owner);
  }

  async function freeAll(): Promise<void> {
    await t.storage.db
      .updateTable("webhook_deliveries")
      .set({ locked_until: null, claim_token: null, claim_owner: null })
      .execute();
    await t.storage.db.deleteFrom("webhook_workers").execute();
  }

  it("takes back at once the leases of a dead process of this host, and forgets it", async () => {
    const dead = await leasedBy(elsewhere(999_999, false));
    const restarted = createWorkerRegistry(t.deps);
    await restarted.register();
    expect(await restarted.reclaim()).toBe(3);
    expect(await leaseOwners()).toEqual([null, null, null]);
    expect(await claimDueRuns(t.deps, { owner: restarted.id, runs: 1, runSize: 10, leaseMs: 60_000 })).toHaveLength(1);
    const workers = await t.storage.db.selectFrom("webhook_workers").select("id").execute();
    expect(workers.map((w) => w.id)).not.toContain(dead.id);
    await freeAll();
  });

  it("takes back the leases of a former life of this very process (a restarted container: same pid, another start)", async () => {
    await leasedBy(elsewhere(thisProcess.pid, true, thisProcess.host, "2020-01-01T00:00:00.000Z"));
    const restarted = createWorkerRegistry(t.deps);
    expect(await restarted.reclaim()).toBe(3);
    await freeAll();
  });

  it("leaves alone the leases of a live process, here or on another host that still beats", async () => {
    const neighbour = await leasedBy(elsewhere(thisProcess.pid + 1, true));
    // Another worker of this process, whose process table shows the neighbour.
    const sibling = createWorkerRegistry(t.deps, {
      here: { ...thisProcess, isAlive: (pid) => pid === thisProcess.pid + 1 || thisProcess.isAlive(pid) },
    });
    expect(await sibling.reclaim()).toBe(0);
    expect(await leaseOwners()).toEqual([neighbour.id, neighbour.id, neighbour.id]);
    await freeAll();

    const remote = await leasedBy(elsewhere(1, false, "another-host"));
    t.clock.advance(5_000);
    expect(await sibling.reclaim()).toBe(0);
    await remote.heartbeat();
    t.clock.advance(9_000);
    expect(await sibling.reclaim()).toBe(0);
    await freeAll();
  });

  it("takes back the leases of a worker on another host once its heartbeat is older than the stale limit", async () => {
    const remote = await leasedBy(elsewhere(1, false, "another-host"));
    t.clock.advance(10_001);
    const other = createWorkerRegistry(t.deps);
    expect(await other.reclaim()).toBe(3);
    // A worker taken for gone that was only slow says so again on its next heartbeat.
    await remote.heartbeat();
    const rows = await t.storage.db.selectFrom("webhook_workers").select("id").where("id", "=", remote.id).execute();
    expect(rows).toHaveLength(1);
    await freeAll();
  });
});
