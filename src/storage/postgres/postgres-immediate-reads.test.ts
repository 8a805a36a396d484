import { setTimeout as sleep } from "node:timers/promises";
import { CompiledQuery, type Kysely } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, PG_ADMIN_URL, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { immediateReadsOf } from "../immediate-reads.js";
import { queryTemplate } from "../query-template.js";

const SELECT = CompiledQuery.raw("select k from t where k >= $1 order by k", ["a"]) as CompiledQuery<{ k: string }>;
// A template over the test's own table, which the schema does not know.
const keys = queryTemplate(["from"], (db, p: { from: string }) =>
  (db as unknown as Kysely<{ t: { k: string } }>).selectFrom("t").select("k").where("k", ">=", p.from).orderBy("k"),
);

// SQLite's immediate reads are tested in sqlite-immediate-reads.test.ts: they depend on its one connection.
describe("immediate reads on postgres", () => {
  let database: TestDatabase;
  let storage: Storage;

  beforeEach(async () => {
    database = await createTestDatabase("postgres");
    storage = openStorage(database.config);
    await storage.db.executeQuery(CompiledQuery.raw("create table t (k text primary key)"));
    await storage.db.executeQuery(CompiledQuery.raw("insert into t (k) values ('a')"));
  });

  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  const reads = () => {
    const offered = immediateReadsOf(storage.db);
    if (!offered) throw new Error("PostgreSQL offers immediate reads");
    return offered;
  };

  it("send a select on a connection of their own and answer what Kysely's executor answers, again and again", async () => {
    const viaKysely = (await storage.db.executeQuery(SELECT)).rows;
    expect(viaKysely).toEqual([{ k: "a" }]);
    // Many reads asked in one turn: they leave together, pipelined, and each gets its own rows.
    const all = await Promise.all(Array.from({ length: 25 }, () => reads().rows(SELECT)));
    for (const rows of all) expect(rows).toEqual(viaKysely);
  });

  it("never take a write, even one that returns rows or hides in a CTE", async () => {
    expect(reads().rows(CompiledQuery.raw("insert into t (k) values ('b') returning k"))).toBeUndefined();
    expect(
      reads().rows(CompiledQuery.raw("with w as (insert into t (k) values ('c') returning k) select k from w")),
    ).toBeUndefined();
    expect(await reads().rows(SELECT)).toEqual([{ k: "a" }]);
  });

  it("are not offered to a transaction's handle", async () => {
    await storage.db.transaction().execute(async (trx) => {
      expect(immediateReadsOf(trx)).toBeUndefined();
    });
  });

  it("serve statement templates, which read committed data only", async () => {
    let resume!: () => void;
    let inserted!: () => void;
    const insertedOnce = new Promise<void>((resolve) => (inserted = resolve));
    const written = storage.db.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw("insert into t (k) values ('b')"));
      inserted();
      await new Promise<void>((resolve) => (resume = resolve));
    });
    await insertedOnce;
    expect(await keys.execute(storage.db, { from: "a" })).toEqual([{ k: "a" }]);
    resume();
    await written;
    expect(await keys.execute(storage.db, { from: "a" })).toEqual([{ k: "a" }, { k: "b" }]);
  });

  it("reject with the driver's error, as Kysely's way does", async () => {
    const missing = CompiledQuery.raw("select k from nowhere") as CompiledQuery<{ k: string }>;
    await expect(reads().rows(missing)).rejects.toMatchObject({ code: "42P01" });
    await expect(storage.db.executeQuery(missing)).rejects.toMatchObject({ code: "42P01" });
    expect(await reads().rows(SELECT)).toEqual([{ k: "a" }]);
  });

  it("fail only the read that fails among reads sent together", async () => {
    await reads().rows(SELECT); // the connections open: the next reads are corked and leave in one write
    const missing = CompiledQuery.raw("select k from nowhere") as CompiledQuery<{ k: string }>;
    const settled = await Promise.allSettled(
      [SELECT, missing, SELECT, missing, SELECT].map((query) => reads().rows(query)),
    );
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected", "fulfilled"]);
    for (const s of settled) if (s.status === "fulfilled") expect(s.value).toEqual([{ k: "a" }]);
  });

  it("open another connection after the server ends theirs", async () => {
    expect(await reads().rows(SELECT)).toEqual([{ k: "a" }]);
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    try {
      const name = new URL((database.config as { url: string }).url).pathname.slice(1);
      const ended = await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [
        name,
      ]);
      expect(ended.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // A read sent before the client heard of its end fails with it, as on a pooled connection.
    let rows: unknown;
    for (let attempt = 0; attempt < 50 && rows === undefined; attempt++)
      rows = await Promise.resolve(reads().rows(SELECT)).catch(() => sleep(20).then(() => undefined));
    expect(rows).toEqual([{ k: "a" }]);
  });
});
