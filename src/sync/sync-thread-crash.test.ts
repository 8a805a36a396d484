import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectorKinds } from "../../test/support/dying-kinds.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, TestClock } from "../../test/support/test-app.js";
import { buildApp } from "../app.js";
import { ensureAdminKey } from "../auth/admin-key.js";
import { loadConfig } from "../config.js";
import { createIdGenerator } from "../core/ids.js";
import { openStorage, type Storage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";

const admin = bearer(ADMIN_KEY);

describe.each(DIALECTS)("a sync whose thread dies, on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  let app: Awaited<ReturnType<typeof buildApp>>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await migrateToLatest(storage);
    await ensureAdminKey(storage.db, ADMIN_KEY);
    const config = {
      ...loadConfig({ ROSTER_ADMIN_KEY: ADMIN_KEY, ROSTER_SECRET_KEY: "thread-crash-secret-key-0123456789" }),
      database: database.config,
    };
    const clock = new TestClock();
    const deps = {
      db: storage.db,
      caps: storage.caps,
      clock,
      ids: createIdGenerator(() => clock.now().getTime()),
      config,
    };
    const kindsModule = new URL("../../test/support/dying-kinds.ts", import.meta.url).href;
    app = await buildApp(deps, {
      logger: false,
      connectorKinds: connectorKinds(),
      syncThread: { database: database.config, sharing: storage.sharing, kindsModule, heapMb: 128 },
    });
  });
  afterAll(async () => {
    await app.close();
    await storage.close();
    await database.drop();
  });

  it("is recorded as failed at once with the reason, its event written and its lease let go", async () => {
    const { orgId } = await createOrgWithKey(app, "Acme");
    const created = await app.inject({
      method: "POST",
      url: "/directories",
      headers: admin,
      payload: { organization_id: orgId, name: "LDAP", type: "ldap", connector: {} },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dirId = created.json().id as string;
    const started = await app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(started.statusCode).toBe(202);
    await app.sync.idle();
    const run = (await app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
    expect(run).toMatchObject({
      id: started.json().id,
      state: "failed",
      failure: { reason: "internal", message: expect.stringContaining("the sync thread exited (code 3)") },
    });
    const row = await storage.db
      .selectFrom("sync_runs")
      .select("state")
      .where("id", "=", run.id)
      .executeTakeFirstOrThrow();
    expect(row.state).toBe("failed");
    const events = await storage.db
      .selectFrom("events")
      .select("data")
      .where("directory_id", "=", dirId)
      .where("event", "=", "connector.sync.failed")
      .execute();
    expect(events.map((e) => JSON.parse(e.data).id)).toEqual([run.id]);
    // The lease went with it: the next run starts at once.
    const next = await app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
    expect(next.statusCode, next.body).toBe(202);
    await app.sync.idle();
  }, 60_000);
});
