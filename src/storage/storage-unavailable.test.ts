import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_ADMIN_URL } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createScimDirectory, type ScimDirectory } from "../../test/support/scim-client.js";
import { storageUnavailable } from "./storage-unavailable.js";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

describe("what a database error says about the database", () => {
  it("reads SQLite's and PostgreSQL's codes, through causes, and leaves everything else alone", () => {
    const coded = (code: string, message = "x") => Object.assign(new Error(message), { code });
    expect(storageUnavailable(coded("SQLITE_FULL"))?.reason).toBe("full");
    expect(storageUnavailable(coded("SQLITE_READONLY_DBMOVED"))?.reason).toBe("read_only");
    expect(storageUnavailable(coded("SQLITE_IOERR_WRITE"))?.reason).toBe("unreachable");
    expect(storageUnavailable(coded("53100"))?.reason).toBe("full");
    expect(storageUnavailable(coded("25006"))?.reason).toBe("read_only");
    expect(storageUnavailable(coded("08006"))?.reason).toBe("unreachable");
    expect(storageUnavailable(new Error("wrapped", { cause: coded("ECONNREFUSED") }))?.reason).toBe("unreachable");
    expect(storageUnavailable(new Error("Connection terminated unexpectedly"))?.reason).toBe("unreachable");
    for (const other of [
      coded("SQLITE_CONSTRAINT_UNIQUE"),
      coded("SQLITE_CORRUPT"),
      coded("23505"),
      coded("42P01"),
      new TypeError("bug"),
      "text",
    ]) {
      expect(storageUnavailable(other)).toBeNull();
    }
  });
});

async function createUser(t: TestApp, dir: ScimDirectory, userName: string) {
  return t.app.inject({
    method: "POST",
    url: `${dir.base}/Users`,
    headers: { ...bearer(dir.token), "content-type": "application/scim+json" },
    payload: JSON.stringify({
      schemas: [USER],
      userName,
      name: { formatted: "x".repeat(2_000) },
      emails: [{ value: userName, primary: true }],
    }),
  });
}

async function countUsers(t: TestApp, dir: ScimDirectory): Promise<number> {
  const res = await t.app.inject({ method: "GET", url: `${dir.base}/Users?count=0`, headers: bearer(dir.token) });
  expect(res.statusCode).toBe(200);
  return res.json().totalResults;
}

describe("a full or read-only SQLite database", () => {
  let t: TestApp;
  let dir: ScimDirectory;

  beforeAll(async () => {
    t = await createTestApp("sqlite");
    dir = await createScimDirectory(t.app);
  });
  afterAll(async () => t?.close());

  it("answers 503 with what happened while the disk is full, writes nothing, stays intact and recovers when space returns", async () => {
    const pages = (await sql<{ page_count: number }>`pragma page_count`.execute(t.deps.db)).rows[0]?.page_count ?? 0;
    // The file may not grow: as a full disk does, SQLite answers SQLITE_FULL when it needs a page.
    await sql.raw(`pragma max_page_count = ${pages}`).execute(t.deps.db);
    let full: Awaited<ReturnType<typeof createUser>> | null = null;
    let stored = 0;
    for (let i = 0; i < 500 && !full; i++) {
      const res = await createUser(t, dir, `fill${i}@disk.test`);
      if (res.statusCode === 201) stored++;
      else full = res;
    }
    expect(full?.statusCode).toBe(503);
    expect(full?.headers["retry-after"]).toBe("5");
    expect(full?.json()).toMatchObject({ status: "503", detail: expect.stringContaining("out of space") });
    expect(await countUsers(t, dir)).toBe(stored);

    const org = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(ADMIN_KEY),
      payload: { name: "x".repeat(200) },
    });
    if (org.statusCode !== 201) expect(org.json()).toMatchObject({ code: "storage_unavailable" });

    expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(t.deps.db)).rows).toEqual([
      { integrity_check: "ok" },
    ]);
    await sql.raw("pragma max_page_count = 1073741823").execute(t.deps.db);
    expect((await createUser(t, dir, "after@disk.test")).statusCode).toBe(201);
    expect(await countUsers(t, dir)).toBe(stored + 1);
  });

  it("answers 503 while the database refuses writes, and serves reads", async () => {
    await sql`pragma query_only = on`.execute(t.deps.db);
    try {
      const res = await createUser(t, dir, "readonly@disk.test");
      expect(res.statusCode).toBe(503);
      expect(res.json().detail).toContain("read-only");
      const api = await t.app.inject({
        method: "POST",
        url: "/organizations",
        headers: bearer(ADMIN_KEY),
        payload: { name: "Refused" },
      });
      expect(api.statusCode).toBe(503);
      expect(api.json()).toEqual({ code: "storage_unavailable", message: expect.stringContaining("read-only") });
      expect(api.headers["retry-after"]).toBe("5");
      expect(
        (await t.app.inject({ method: "GET", url: "/organizations", headers: bearer(ADMIN_KEY) })).statusCode,
      ).toBe(200);
    } finally {
      await sql`pragma query_only = off`.execute(t.deps.db);
    }
    expect((await createUser(t, dir, "readonly@disk.test")).statusCode).toBe(201);
  });
});

describe("a read-only or restarted PostgreSQL", () => {
  let t: TestApp;
  let dir: ScimDirectory;
  let admin: pg.Client;
  let name: string;

  beforeAll(async () => {
    t = await createTestApp("postgres");
    dir = await createScimDirectory(t.app);
    admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    name = (await sql<{ db: string }>`select current_database() as db`.execute(t.deps.db)).rows[0]?.db as string;
  });
  afterAll(async () => {
    await admin?.query(`alter database ${name} reset default_transaction_read_only`);
    await admin?.end();
    await t?.close();
  });

  /** Ends the app's connections, as a PostgreSQL restart or failover does; its pool connects anew. */
  async function dropConnections() {
    await admin.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [name],
    );
  }

  it("answers 503, never 500, while connections drop and writes are refused, and recovers", async () => {
    await admin.query(`alter database ${name} set default_transaction_read_only = on`);
    await dropConnections();
    const statuses = new Set<number>();
    for (let i = 0; i < 5; i++) statuses.add((await createUser(t, dir, `standby${i}@pg.test`)).statusCode);
    expect([...statuses]).toEqual([503]);
    const api = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(ADMIN_KEY),
      payload: { name: "Refused" },
    });
    expect(api.statusCode).toBe(503);
    expect(api.json().code).toBe("storage_unavailable");
    expect(await countUsers(t, dir)).toBe(0);

    await admin.query(`alter database ${name} reset default_transaction_read_only`);
    await dropConnections();
    let created = 0;
    for (let i = 0; i < 20 && created === 0; i++) {
      const res = await createUser(t, dir, "back@pg.test");
      expect([201, 503]).toContain(res.statusCode);
      if (res.statusCode === 201) created++;
    }
    expect(created).toBe(1);
    expect(await countUsers(t, dir)).toBe(1);
  });
});
