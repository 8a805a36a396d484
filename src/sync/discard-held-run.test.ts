// `POST /directories/{id}/syncs/{run}/discard`: a run the mass-removal guard holds is dropped, nothing
// it held is applied, and it can no longer be confirmed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { type MemoryData, memoryConnector, memoryData, sourceUser } from "../../test/support/memory-connector.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);

describe.each(DIALECTS)("discarding a held sync run on %s", (dialect) => {
  let t: TestApp;
  let data: MemoryData;
  let orgId: string;

  beforeAll(async () => {
    data = memoryData();
    t = await createTestApp(
      dialect,
      { ROSTER_SECRET_KEY: "discard-held-run-secret-key-0123456789" },
      { logger: false, connectorKinds: { ldap: memoryConnector(data) } },
    );
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t?.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  const post = (url: string, key = ADMIN_KEY) => t.app.inject({ method: "POST", url, headers: bearer(key) });

  /** A directory of ten users whose source then lost three: its second run is held. */
  async function heldRun(): Promise<{ dirId: string; runId: string }> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "LDAP", type: "ldap", connector: { host: "ldap.test" } },
    });
    const dirId = res.json().id as string;
    data.users = Array.from({ length: 10 }, (_, i) => sourceUser(`user${i}`));
    await post(`/directories/${dirId}/sync`);
    await t.app.sync.idle();
    data.users = data.users.slice(0, 7);
    const runId = (await post(`/directories/${dirId}/sync`)).json().id as string;
    await t.app.sync.idle();
    const run = (
      await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs/${runId}`, headers: admin })
    ).json();
    expect(run.state).toBe("needs_confirmation");
    return { dirId, runId };
  }

  const activeUsers = async (dirId: string) =>
    (
      await t.app.inject({
        method: "GET",
        url: `/directory_users?directory=${dirId}&state=active&limit=100`,
        headers: admin,
      })
    ).json().data.length;

  it("ends the held run as failed (discarded), applies nothing, and refuses to confirm or discard it again", async () => {
    const { dirId, runId } = await heldRun();
    const res = await post(`/directories/${dirId}/syncs/${runId}/discard`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      id: runId,
      state: "failed",
      failure: { reason: "discarded" },
      pending_removals: 3,
    });
    expect(res.json().changes).toHaveLength(3);
    expect(await activeUsers(dirId)).toBe(10);
    for (const action of ["confirm", "discard"]) {
      const again = await post(`/directories/${dirId}/syncs/${runId}/${action}`);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe("not_awaiting_confirmation");
    }
    const next = await post(`/directories/${dirId}/sync`);
    expect(next.statusCode).toBe(202);
    await t.app.sync.idle();
    expect(await activeUsers(dirId)).toBe(10);
  });

  it("refuses a finished run, an unknown run and another organization's key", async () => {
    const { dirId, runId } = await heldRun();
    const runs = (
      await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs?order=asc`, headers: admin })
    ).json().data as { id: string }[];
    const first = runs[0]?.id as string;
    expect((await post(`/directories/${dirId}/syncs/${first}/discard`)).json().code).toBe("not_awaiting_confirmation");
    expect((await post(`/directories/${dirId}/syncs/${runId.slice(0, -4)}ZZZZ/discard`)).statusCode).toBe(404);
    const other = await createOrgWithKey(t.app, "Globex");
    expect((await post(`/directories/${dirId}/syncs/${runId}/discard`, other.key)).statusCode).toBe(404);
    const still = (
      await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs/${runId}`, headers: admin })
    ).json();
    expect(still.state).toBe("needs_confirmation");
  });
});
