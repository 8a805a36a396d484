import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, SqliteDialect, type SqliteDatabase, sql } from "kysely";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import { withGroupCommit } from "./sqlite-group-commit.js";

type Tables = { t: { k: string; v: string }; child: { id: number; parent: string } };

/** Lets the transactions already started run as far as they can before the test goes on. */
async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

describe("group commit on SQLite", () => {
  let dir: string;
  let raw: SQLite.Database;
  let other: SQLite.Database;
  let db: Kysely<Tables>;
  let statements: string[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "roster-group-commit-"));
    const file = join(dir, "db.sqlite");
    raw = new SQLite(file);
    raw.pragma("journal_mode = WAL");
    raw.pragma("foreign_keys = ON");
    raw.exec("create table t (k text primary key, v text not null)");
    raw.exec(
      "create table child (id integer primary key, parent text not null references t(k) deferrable initially deferred)",
    );
    statements = [];
    const recording: SqliteDatabase = {
      close: () => raw.close(),
      prepare: (text: string) => {
        statements.push(text);
        return raw.prepare(text) as unknown as ReturnType<SqliteDatabase["prepare"]>;
      },
    };
    db = new Kysely<Tables>({ dialect: withGroupCommit(new SqliteDialect({ database: recording }), raw).dialect });
    // Another connection to the same file sees only what is committed.
    other = new SQLite(file, { readonly: true });
  });

  afterEach(async () => {
    other.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const committed = (k: string) => other.prepare("select v from t where k = ?").get(k) !== undefined;
  const commits = () => statements.filter((s) => s === "commit").length;
  const insert = (k: string) =>
    db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ k, v: "first" }).execute();
      await trx.updateTable("t").set({ v: "second" }).where("k", "=", k).execute();
      return k;
    });

  it("commits the transactions waiting for the connection together, and each answers only once that COMMIT is done", async () => {
    const seenCommitted: boolean[] = [];
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await Promise.all(keys.map((k) => insert(k).then(() => seenCommitted.push(committed(k)))));
    expect(seenCommitted).toEqual(keys.map(() => true));
    expect(commits()).toBe(1);
    expect(other.prepare("select k, v from t order by k").all()).toEqual(keys.map((k) => ({ k, v: "second" })));
  });

  it("rolls back a failing transaction alone and commits the others of its group", async () => {
    const results = await Promise.allSettled([
      insert("a"),
      db.transaction().execute(async (trx) => {
        await trx.insertInto("t").values({ k: "doomed", v: "x" }).execute();
        throw new Error("changed my mind");
      }),
      insert("a"), // the same key again: a unique violation, after "a" was kept in the group
      insert("b"),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("changed my mind"));
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(other.prepare("select k from t order by k").all()).toEqual([{ k: "a" }, { k: "b" }]);
    expect(commits()).toBe(1);
  });

  it("commits the open group before a query outside any transaction runs, so that query reads only what is committed", async () => {
    const pending = insert("early");
    await settle();
    expect(statements).toContain('release savepoint "roster_group_member"');
    expect(committed("early")).toBe(false);
    const rows = await db.selectFrom("t").select("k").execute();
    expect(committed("early")).toBe(true);
    expect(rows).toEqual([{ k: "early" }]);
    await expect(pending).resolves.toBe("early");
    expect(commits()).toBe(1);
  });

  it("fails every member of a group whose COMMIT fails, keeps none of their writes, and goes on with the next group", async () => {
    // A deferred foreign key is checked only at COMMIT: the one way to make SQLite refuse a COMMIT in a test.
    const orphan = db.transaction().execute(async (trx) => {
      await trx.insertInto("child").values({ id: 1, parent: "nobody" }).execute();
    });
    const bystander = insert("bystander");
    const results = await Promise.allSettled([orphan, bystander]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(raw.inTransaction).toBe(false);
    expect(other.prepare("select count(*) as n from t").get()).toEqual({ n: 0 });
    expect(other.prepare("select count(*) as n from child").get()).toEqual({ n: 0 });
    await expect(insert("after")).resolves.toBe("after");
    expect(committed("after")).toBe(true);
  });

  it("leaves no transaction open when the only transaction of a group rolls back", async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("t").values({ k: "gone", v: "x" }).execute();
        throw new Error("no");
      }),
    ).rejects.toThrow("no");
    expect(raw.inTransaction).toBe(false);
    expect(commits()).toBe(0);
  });

  it("keeps a transaction's own savepoints working inside its group", async () => {
    await db.transaction().execute(async (trx) => {
      await trx.insertInto("t").values({ k: "kept", v: "x" }).execute();
      await sql`savepoint inner_write`.execute(trx);
      await trx.insertInto("t").values({ k: "undone", v: "x" }).execute();
      await sql`rollback to savepoint inner_write`.execute(trx);
      await sql`release savepoint inner_write`.execute(trx);
    });
    expect(other.prepare("select k from t").all()).toEqual([{ k: "kept" }]);
  });

  it("commits what is open when the database is closed", async () => {
    const pending = insert("last");
    await settle();
    await db.destroy();
    await expect(pending).resolves.toBe("last");
    expect(committed("last")).toBe(true);
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: new SQLite(join(dir, "db.sqlite")) }) });
  });
});

describe.each(DIALECTS)("concurrent store transactions on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await migrateToLatest(storage);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("commits each transaction or rolls it back on its own", async () => {
    const write = (key: string, fail: boolean) =>
      storage.db.transaction().execute(async (trx) => {
        await trx.insertInto("settings").values({ key, value: "v" }).execute();
        if (fail) throw new Error(`refused ${key}`);
      });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => write(`c:${i}`, i % 4 === 1)));
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(3);
    const kept = await storage.db
      .selectFrom("settings")
      .select("key")
      .where("key", "like", "c:%")
      .orderBy("key")
      .execute();
    expect(kept.map((r) => r.key).sort()).toEqual(
      ["c:0", "c:10", "c:11", "c:2", "c:3", "c:4", "c:6", "c:7", "c:8"].sort(),
    );
  });
});
