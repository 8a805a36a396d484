/**
 * Pull directories end to end through the API, with the real connectors: a CSV upload, and an
 * upstream SCIM server that is a second live Roster on loopback.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { Attribute, Change } from "ldapts";
import { directMembers, groupDn, nestedGroup, userDn } from "../../test/support/directory-ldif.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { type SlapdServer, slapdConnector, startSlapd } from "../../test/support/slapd.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const admin = bearer(ADMIN_KEY);
const SECRET = { ROSTER_SECRET_KEY: "pull-directories-test-key-0123456789" };

describe.each(DIALECTS)("pull directories end to end on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect, SECRET);
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
  });
  afterAll(async () => t.close());

  async function finished(dirId: string) {
    await t.app.sync.idle();
    return (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  }

  async function usersOf(dirId: string) {
    const res = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${dirId}&limit=100&order=asc`,
      headers: admin,
    });
    return res.json().data as {
      username: string;
      email: string;
      state: string;
      first_name: string;
      groups: { name: string }[];
      raw_attributes: Record<string, unknown>;
    }[];
  }

  it("CSV: an upload creates users and groups; line errors are reported by line; the next upload deactivates who is missing", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "HR export", type: "csv", connector: { max_removal_percent: 100 } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dirId = created.json().id as string;
    const csv = [
      "username,email,first_name,last_name,state,groups,department",
      "ada,ada@acme.com,Ada,Lovelace,active,Eng;Admins,R&D",
      "bob,bob@acme.com,Bob,Builder,,Eng,Ops",
      ",nobody@acme.com,No,Name,,,",
      "cy,cy@acme.com,Cy,Young,inactive,,Sales",
    ].join("\r\n");
    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    expect(upload.json()).toMatchObject({ trigger: "upload", state: "running" });
    const run = await finished(dirId);
    expect(run, JSON.stringify(run.failure)).toMatchObject({ state: "succeeded" });
    expect(run.counts).toMatchObject({ created: 3, failed: 1 });
    expect(run.errors).toEqual([{ ref: "line 4", message: expect.stringContaining("username") }]);
    const users = await usersOf(dirId);
    expect(users.map((u) => [u.username, u.state, u.groups.map((g) => g.name).sort()])).toEqual([
      ["ada", "active", ["Admins", "Eng"]],
      ["bob", "active", ["Eng"]],
      ["cy", "inactive", []],
    ]);
    expect(users[0]?.raw_attributes).toMatchObject({ department: "R&D" });

    const next = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: "username,email\nada,ada@acme.com\n",
    });
    expect(next.statusCode).toBe(202);
    const second = await finished(dirId);
    expect(second.counts).toMatchObject({ deactivated: 1 });
    expect((await usersOf(dirId)).map((u) => [u.username, u.state])).toEqual([
      ["ada", "active"],
      ["bob", "inactive"],
      ["cy", "inactive"],
    ]);
  });

  it("CSV: a run on its own thread and SCIM writes on the serving thread take turns; every write lands, with its events", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Big export", type: "csv" },
    });
    const dirId = created.json().id as string;
    const rows = Array.from({ length: 3000 }, (_, i) => `u${i},u${i}@big.example,U,${i},active,Team${i % 7}`);
    const csv = ["username,email,first_name,last_name,state,groups", ...rows].join("\n");
    const scimDir = await createScimDirectory(t.app);
    const scim = scimClient(t.app, scimDir);

    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    const writes: number[] = [];
    while (t.app.sync.running() > 0 || writes.length === 0) {
      const res = await scim("POST", "/Users", {
        schemas: [SCHEMA.user],
        userName: `beside${writes.length}@acme.com`,
        active: true,
      });
      writes.push(res.statusCode);
    }
    const run = await finished(dirId);
    expect(run, JSON.stringify(run.failure)).toMatchObject({
      state: "succeeded",
      counts: { created: 3000, failed: 0 },
    });
    expect(writes.length).toBeGreaterThan(1);
    expect(new Set(writes)).toEqual(new Set([201]));
    const listed = await scim("GET", "/Users?count=0");
    expect(listed.json().totalResults).toBe(writes.length);
    // The thread's commits wrote their events like the serving thread's.
    const events = await t.deps.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("directory_id", "=", dirId)
      .where("event", "=", "dsync.user.created")
      .executeTakeFirstOrThrow();
    expect(Number(events.n)).toBe(3000);
  });

  it("CSV: stopping the process stops a run on its thread, recorded as cancelled, and lets the lease go", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Stopped export", type: "csv" },
    });
    const dirId = created.json().id as string;
    const csv = ["username,email", ...Array.from({ length: 5000 }, (_, i) => `s${i},s${i}@stop.example`)].join("\n");
    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(upload.statusCode, upload.body).toBe(202);
    await t.app.sync.close();
    const run = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
    expect(run).toMatchObject({ state: "failed", failure: { reason: "cancelled" } });
    expect(run.counts.created).toBeLessThan(5000);
    const again = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/csv`,
      headers: { ...admin, "content-type": "text/csv" },
      payload: csv,
    });
    expect(again.statusCode, again.body).toBe(202);
    expect(await finished(dirId)).toMatchObject({ state: "succeeded", counts: { failed: 0 } });
    expect((await usersOf(dirId)).length).toBeGreaterThan(0);
  });

  it("CSV: an upload held by the guard is confirmed with the same rows", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Held", type: "csv" },
    });
    const dirId = created.json().id as string;
    const upload = (rows: string) =>
      t.app.inject({
        method: "POST",
        url: `/directories/${dirId}/csv`,
        headers: { ...admin, "content-type": "text/csv" },
        payload: `username\n${rows}`,
      });
    await upload("a\nb\nc\nd\ne\n");
    expect((await finished(dirId)).counts).toMatchObject({ created: 5 });
    await upload("a\nb\nf\n");
    const held = await finished(dirId);
    expect(held).toMatchObject({ state: "needs_confirmation", pending_removals: 3, counts: { created: 1 } });
    const confirm = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${held.id}/confirm`,
      headers: admin,
    });
    expect(confirm.statusCode, confirm.body).toBe(202);
    const done = await finished(dirId);
    expect(done, JSON.stringify(done.failure)).toMatchObject({
      id: held.id,
      state: "succeeded",
      counts: { created: 1, deactivated: 3 },
    });
    expect((await usersOf(dirId)).filter((u) => u.state === "active").map((u) => u.username)).toEqual(["a", "b", "f"]);
    const row = await t.storage.db
      .selectFrom("sync_runs")
      .select("upload")
      .where("id", "=", held.id)
      .executeTakeFirstOrThrow();
    expect(row.upload).toBeNull();
  });

  it("CSV: a manual run of an upload-only directory is refused with a clear reason, and a held upload stays confirmable", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Uploads", type: "csv" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dirId = created.json().id as string;
    const upload = (rows: string) =>
      t.app.inject({
        method: "POST",
        url: `/directories/${dirId}/csv`,
        headers: { ...admin, "content-type": "text/csv" },
        payload: `username\n${rows}`,
      });
    await upload("a\nb\nc\nd\ne\n");
    await finished(dirId);
    await upload("a\n");
    const held = await finished(dirId);
    expect(held).toMatchObject({ state: "needs_confirmation", pending_removals: 4 });

    const refused = await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ code: "source_misconfigured", message: expect.stringContaining("upload") });
    expect((await finished(dirId)).id).toBe(held.id);

    const confirm = await t.app.inject({
      method: "POST",
      url: `/directories/${dirId}/syncs/${held.id}/confirm`,
      headers: admin,
    });
    expect(confirm.statusCode, confirm.body).toBe(202);
    expect(await finished(dirId)).toMatchObject({ id: held.id, state: "succeeded", counts: { deactivated: 4 } });
  });

  it("CSV: a scheduled run of an upload-only directory is recorded failed with the reason, so the schedule moves on", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "Uploads", type: "csv" },
    });
    const dirId = created.json().id as string;
    await t.app.sync.start(dirId, null, { mode: "auto", trigger: "schedule" });
    const run = await finished(dirId);
    expect(run).toMatchObject({
      state: "failed",
      trigger: "schedule",
      failure: { reason: "misconfigured", message: expect.stringContaining("upload") },
    });
  });

  it("SCIM pull: reads a live upstream Roster's users and groups; a wrong token marks invalid_credentials", async () => {
    const upstream = await createTestApp(dialect, SECRET);
    try {
      await upstream.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = upstream.app.server.address() as AddressInfo;
      const dir = await createScimDirectory(upstream.app);
      const scim = scimClient(upstream.app, dir);
      const ids: string[] = [];
      for (const name of ["ada", "bob", "cy"]) {
        const res = await scim("POST", "/Users", {
          schemas: [SCHEMA.user],
          userName: `${name}@up.test`,
          name: { givenName: name, familyName: "Up" },
          emails: [{ value: `${name}@up.test`, primary: true }],
        });
        ids.push(res.json().id);
      }
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Upstream Eng",
        members: ids.slice(0, 2).map((value) => ({ value })),
      });

      const connector = { base_url: `http://127.0.0.1:${port}${dir.base}`, token: dir.token, page_size: 2 };
      const created = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: admin,
        payload: { organization_id: orgId, name: "Upstream", type: "scim pull", connector },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().connector).toEqual({ base_url: connector.base_url, token_set: true, page_size: 2 });
      const dirId = created.json().id as string;
      await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
      const run = await finished(dirId);
      expect(run).toMatchObject({
        state: "succeeded",
        counts: { created: 3, failed: 0 },
        group_counts: { created: 1 },
      });
      const users = await usersOf(dirId);
      expect(users.map((u) => [u.username, u.groups.map((g) => g.name)])).toEqual([
        ["ada@up.test", ["Upstream Eng"]],
        ["bob@up.test", ["Upstream Eng"]],
        ["cy@up.test", []],
      ]);

      const patched = await t.app.inject({
        method: "PATCH",
        url: `/directories/${dirId}`,
        headers: admin,
        payload: { connector: { token: "wrong-token" } },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
      const failed = await finished(dirId);
      expect(failed).toMatchObject({ state: "failed", failure: { reason: "invalid_credentials" } });
      expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
        "invalid_credentials",
      );
      // Nothing was removed by the failed run.
      expect((await usersOf(dirId)).every((u) => u.state === "active")).toBe(true);
    } finally {
      await upstream.close();
    }
  });

  describe("LDAP against a real slapd", () => {
    const shape = { users: 30, groups: 4, membersPerGroup: 5, nestEvery: 1 };
    let slapd: SlapdServer;
    beforeAll(async () => {
      slapd = await startSlapd({ directory: shape });
    }, 60_000);
    afterAll(async () => slapd?.stop());

    it("a full run reads users and groups (nested too); a delta run reads what changed; a wrong password marks invalid_credentials", async () => {
      const connector = { ...slapdConnector(slapd), page_size: 7 };
      const created = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: admin,
        payload: { organization_id: orgId, name: "LDAP", type: "ldap", connector },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().connector).toMatchObject({ url: slapd.url, password_set: true });
      const dirId = created.json().id as string;
      await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
      const run = await finished(dirId);
      expect(run, JSON.stringify(run.failure)).toMatchObject({
        state: "succeeded",
        counts: { created: 30, failed: 0 },
        group_counts: { created: 4, failed: 0 },
      });
      const groups = (
        await t.app.inject({ method: "GET", url: `/directory_groups?directory=${dirId}&limit=100`, headers: admin })
      ).json().data as { id: string; name: string }[];
      expect(groups.map((g) => g.name).sort()).toEqual(["group0", "group1", "group2", "group3"]);
      // group3 (groupOfNames) nests group2 (a posixGroup): its members are its own and group2's.
      expect(nestedGroup(shape, 3)).toBe(2);
      const group3 = groups.find((g) => g.name === "group3");
      const members = (
        await t.app.inject({ method: "GET", url: `/directory_users?group=${group3?.id}&limit=100`, headers: admin })
      ).json().data as { username: string }[];
      const expected = new Set([...directMembers(shape, 3), ...directMembers(shape, 2)].map((i) => `user${i}`));
      expect(new Set(members.map((m) => m.username))).toEqual(expected);

      await new Promise((resolve) => setTimeout(resolve, 1100)); // modifyTimestamp has one-second resolution
      const client = await slapd.admin();
      try {
        await client.modify(
          userDn(3),
          new Change({ operation: "replace", modification: new Attribute({ type: "title", values: ["Chief"] }) }),
        );
        // group2 (posixGroup) gains a member: group3, which nests it, changes with it; group0 and group1 do not.
        await client.modify(
          groupDn(2),
          new Change({ operation: "add", modification: new Attribute({ type: "memberUid", values: ["user29"] }) }),
        );
      } finally {
        await client.unbind();
      }
      await t.app.inject({
        method: "POST",
        url: `/directories/${dirId}/sync`,
        headers: admin,
        payload: { mode: "delta" },
      });
      const delta = await finished(dirId);
      expect(delta).toMatchObject({ mode: "delta", state: "succeeded" });
      expect(delta.counts).toMatchObject({ updated: 1, created: 0, deactivated: 0 });
      // Only the groups whose members may have changed were compared at all.
      expect(delta.group_counts).toMatchObject({ updated: 2, unchanged: 0, failed: 0 });
      const user3 = (await usersOf(dirId)).find((u) => u.username === "user3") as unknown as { job_title: string };
      expect(user3.job_title).toBe("Chief");
      const group3Now = (
        await t.app.inject({ method: "GET", url: `/directory_users?group=${group3?.id}&limit=100`, headers: admin })
      ).json().data as { username: string }[];
      expect(new Set(group3Now.map((m) => m.username))).toEqual(new Set([...expected, "user29"]));

      await t.app.inject({
        method: "PATCH",
        url: `/directories/${dirId}`,
        headers: admin,
        payload: { connector: { password: "not-the-password" } },
      });
      await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
      expect(await finished(dirId)).toMatchObject({ state: "failed", failure: { reason: "invalid_credentials" } });
      expect((await t.app.inject({ method: "GET", url: `/directories/${dirId}`, headers: admin })).json().state).toBe(
        "invalid_credentials",
      );
    }, 60_000);
  });
});
