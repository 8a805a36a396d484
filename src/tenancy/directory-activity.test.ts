// `last_activity_at` on the directory object: the newest of the last SCIM request, the last sync
// run and the last change, read (not written) for a page of directories at once.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createKeyedDirectory, pushUser } from "../../test/support/directory-fixtures.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

const HOUR = 3_600_000;

describe.each(DIALECTS)("a directory's last activity on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: randomBytes(32).toString("base64") });
  });
  afterAll(async () => t?.close());

  async function directory(id: string, key: string): Promise<{ last_activity_at: string | null }> {
    const res = await t.app.inject({ method: "GET", url: `/directories/${id}`, headers: bearer(key) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }

  it("moves with a SCIM request that changes nothing, and with a change", async () => {
    const created = t.clock.now().toISOString();
    const acme = await createKeyedDirectory(t.app, "Acme");
    // Creating it is its first change (dsync.activated).
    expect((await directory(acme.id, acme.key)).last_activity_at).toBe(created);

    t.clock.advance(HOUR);
    const read = t.clock.now().toISOString();
    expect((await acme.scim("GET", "/Users?count=1")).statusCode).toBe(200);
    // The request log is written in batches: the read shows once its batch is.
    await expect.poll(async () => (await directory(acme.id, acme.key)).last_activity_at, { timeout: 5_000 }).toBe(read);

    t.clock.advance(HOUR);
    const changed = t.clock.now().toISOString();
    await pushUser(acme.scim, "ada@acme.test");
    await expect
      .poll(async () => (await directory(acme.id, acme.key)).last_activity_at, { timeout: 5_000 })
      .toBe(changed);
  });

  it("follows a pull directory's sync runs", async () => {
    const acme = await createKeyedDirectory(t.app, "Initech");
    const made = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(acme.key),
      payload: { name: "HR", type: "csv", connector: {} },
    });
    expect(made.statusCode, made.body).toBe(201);
    t.clock.advance(2 * HOUR);
    const synced = t.clock.now().toISOString();
    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${made.json().id}/csv`,
      headers: { ...bearer(acme.key), "content-type": "text/csv" },
      payload: "username,email\nada,ada@initech.test\n",
    });
    expect(upload.statusCode, upload.body).toBe(202);
    await expect
      .poll(async () => (await directory(made.json().id, acme.key)).last_activity_at, { timeout: 10_000 })
      .toBe(synced);
  });

  it("gives every directory of a listed page its own", async () => {
    const quiet = await createKeyedDirectory(t.app, "Quiet");
    const quietAt = (await directory(quiet.id, quiet.key)).last_activity_at;
    t.clock.advance(HOUR);
    const busy = await createKeyedDirectory(t.app, "Busy");
    const busyAt = t.clock.now().toISOString();
    const listed = await t.app.inject({ method: "GET", url: "/directories?limit=100", headers: bearer(ADMIN_KEY) });
    const byId = new Map(
      (listed.json().data as { id: string; last_activity_at: string | null }[]).map((d) => [d.id, d.last_activity_at]),
    );
    expect(byId.get(quiet.id)).toBe(quietAt);
    expect(byId.get(busy.id)).toBe(busyAt);
    expect(quietAt).not.toBe(busyAt);
  });
});
