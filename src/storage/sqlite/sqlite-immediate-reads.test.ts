import { CompiledQuery, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { immediateReadsOf } from "../immediate-reads.js";
import { queryTemplate } from "../query-template.js";

const SELECT = CompiledQuery.raw("select k from t order by k") as CompiledQuery<{ k: string }>;
// A template over the test's own table, which the schema does not know.
const keys = queryTemplate(["from"], (db, p: { from: string }) =>
  (db as unknown as Kysely<{ t: { k: string } }>).selectFrom("t").select("k").where("k", ">=", p.from).orderBy("k"),
);

/** Lets the work already started run as far as it can before the test goes on (not past a setImmediate). */
async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

// PostgreSQL's immediate reads are tested in postgres-immediate-reads.test.ts: they go to its pool.
describe("immediate reads on sqlite", () => {
  const dialect = "sqlite";
  let database: TestDatabase;
  let storage: Storage;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await storage.db.executeQuery(CompiledQuery.raw("create table t (k text primary key)"));
  });

  afterEach(async () => {
    await storage.close();
    await database.drop();
  });

  const insert = (k: string, pause?: Promise<void>) =>
    storage.db.transaction().execute(async (trx) => {
      await trx.executeQuery(CompiledQuery.raw("insert into t (k) values (?)", [k]));
      await pause;
    });

  it("run a read at once when nothing holds the connection", async () => {
    await insert("a");
    expect(immediateReadsOf(storage.db)?.rows(SELECT)).toEqual([{ k: "a" }]);
  });

  it("leave a read to the driver while a transaction is open, which then reads it committed", async () => {
    let resume!: () => void;
    const written = insert("a", new Promise<void>((resolve) => (resume = resolve)));
    await settle();
    expect(immediateReadsOf(storage.db)?.rows(SELECT)).toBeUndefined();
    let read: { k: string }[] | undefined;
    const reading = storage.db.executeQuery(SELECT).then((result) => (read = result.rows));
    await settle();
    expect(read).toBeUndefined();
    resume();
    await written;
    await reading;
    expect(read).toEqual([{ k: "a" }]);
  });

  it("leave a read to the driver while a group waits for its COMMIT, then see the group", async () => {
    const written = insert("a");
    await settle(); // the member is done; its group's COMMIT waits for the next check phase
    expect(immediateReadsOf(storage.db)?.rows(SELECT)).toBeUndefined();
    await written;
    expect(immediateReadsOf(storage.db)?.rows(SELECT)).toEqual([{ k: "a" }]);
  });

  it("never run a write, even one that returns rows", async () => {
    const write = CompiledQuery.raw("insert into t (k) values ('b') returning k");
    expect(immediateReadsOf(storage.db)?.rows(write)).toBeUndefined();
    expect(immediateReadsOf(storage.db)?.rows(SELECT)).toEqual([]);
  });

  it("are not offered to a transaction's handle", async () => {
    await storage.db.transaction().execute(async (trx) => {
      expect(immediateReadsOf(trx)).toBeUndefined();
    });
  });

  it("serve statement templates, which wait for an open transaction as before", async () => {
    await insert("a");
    expect(await keys.execute(storage.db, { from: "a" })).toEqual([{ k: "a" }]);
    let resume!: () => void;
    const written = insert("b", new Promise<void>((resolve) => (resume = resolve)));
    await settle();
    let read: { k: string }[] | undefined;
    const reading = keys.execute(storage.db, { from: "a" }).then((rows) => (read = rows));
    await settle();
    expect(read).toBeUndefined();
    resume();
    await Promise.all([written, reading]);
    expect(read).toEqual([{ k: "a" }, { k: "b" }]);
  });
});
