import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { openStorage, type Storage } from "./connect.js";
import { migrateToLatest } from "./migrate.js";
import { queryTemplate } from "./query-template.js";

type Setting = { key: string; value: string };
const insertSetting = queryTemplate(["key", "value"], (db, row: Setting) => db.insertInto("settings").values(row));
const valueByKey = queryTemplate(["key"], (db, p: { key: string }) =>
  db.selectFrom("settings").select("value").where("key", "=", p.key),
);
const keysBetween = queryTemplate(["from", "to"], (db, p: { from: string; to: string }) =>
  db
    .selectFrom("settings")
    .select("key")
    .where("key", ">=", p.from)
    .where("key", "<=", p.to)
    .where("value", "!=", "hidden")
    .orderBy("key"),
);

describe.each(DIALECTS)("query templates on %s", (dialect) => {
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

  it("runs the query it was built from with the values of each call", async () => {
    for (const [key, value] of [
      ["t:a", "1"],
      ["t:b", "2"],
      ["t:c", "hidden"],
      ["t:d", "4"],
    ]) {
      expect(await insertSetting.executeWrite(storage.db, { key: key as string, value: value as string })).toBe(1);
    }
    expect(await valueByKey.executeTakeFirst(storage.db, { key: "t:b" })).toEqual({ value: "2" });
    expect(await valueByKey.executeTakeFirst(storage.db, { key: "t:d" })).toEqual({ value: "4" });
    expect(await valueByKey.executeTakeFirst(storage.db, { key: "t:none" })).toBeUndefined();
    // The constant of the query ("hidden") stays bound where it was.
    expect(await keysBetween.execute(storage.db, { from: "t:a", to: "t:d" })).toEqual([
      { key: "t:a" },
      { key: "t:b" },
      { key: "t:d" },
    ]);
    expect(await keysBetween.execute(storage.db, { from: "t:b", to: "t:c" })).toEqual([{ key: "t:b" }]);
  });

  it("runs inside a transaction, and the transaction's rollback undoes its writes", async () => {
    await expect(
      storage.db.transaction().execute(async (trx) => {
        await insertSetting.executeWrite(trx, { key: "t:rolled-back", value: "x" });
        expect(await valueByKey.executeTakeFirst(trx, { key: "t:rolled-back" })).toEqual({ value: "x" });
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await valueByKey.executeTakeFirst(storage.db, { key: "t:rolled-back" })).toBeUndefined();
  });

  it("refuses a name that never reaches the SQL as a bound value", async () => {
    const unused = queryTemplate(["key", "other"], (db, p: { key: string; other: string }) =>
      db.selectFrom("settings").select("value").where("key", "=", p.key),
    );
    await expect(unused.execute(storage.db, { key: "k", other: "o" })).rejects.toThrow(
      '"other" does not reach the SQL',
    );
  });

  it("refuses a value read that is not among its names", async () => {
    const undeclared = queryTemplate(["key"], (db, p: { key: string; value: string }) =>
      db.selectFrom("settings").select("key").where("key", "=", p.key).where("value", "=", p.value),
    );
    await expect(undeclared.execute(storage.db, { key: "k", value: "v" })).rejects.toThrow("not among its names");
  });
});
