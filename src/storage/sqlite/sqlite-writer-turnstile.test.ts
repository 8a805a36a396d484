import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/databases.js";
import { openStorage, type Storage } from "../connect.js";
import { migrateToLatest } from "../migrate.js";
import { WriterTurnstile } from "./sqlite-writer-turnstile.js";

/** A background connection's write transaction, held open until `release()`. */
function holdWriteLock(background: Storage, key: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let began!: () => void;
  const begun = new Promise<void>((resolve) => (began = resolve));
  const done = background.db.transaction().execute(async (trx) => {
    await trx.insertInto("settings").values({ key, value: "background" }).execute();
    began();
    await released;
  });
  return { begun, release, done };
}

describe("SQLite writers on two connections of one process", () => {
  let database: TestDatabase;
  let serving: Storage;
  let background: Storage;

  beforeEach(async () => {
    database = await createTestDatabase("sqlite");
    serving = openStorage(database.config);
    await migrateToLatest(serving);
    background = openStorage(database.config, { background: serving.sharing });
  });

  afterEach(async () => {
    await background.close();
    await serving.close();
    await database.drop();
  });

  // The background transaction is released by a timer on this thread: if the serving connection
  // slept in SQLite's busy handler instead, the timer could not fire and the write would fail busy.
  it("a serving write outside a transaction waits for the lock without blocking its event loop", async () => {
    const held = holdWriteLock(background, "b:1");
    await held.begun;
    setTimeout(held.release, 30);
    await serving.db.insertInto("settings").values({ key: "s:1", value: "serving" }).execute();
    await held.done;
    const keys = await serving.db
      .selectFrom("settings")
      .select("key")
      .where("key", "in", ["b:1", "s:1"])
      .orderBy("key")
      .execute();
    expect(keys.map((r) => r.key)).toEqual(["b:1", "s:1"]);
  });

  it("a serving transaction waits for the lock the same way, and sees the background commit", async () => {
    const held = holdWriteLock(background, "b:2");
    await held.begun;
    setTimeout(held.release, 30);
    const seen = await serving.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom("settings").select("value").where("key", "=", "b:2").executeTakeFirst();
      await trx
        .insertInto("settings")
        .values({ key: "s:2", value: row?.value ?? "none" })
        .execute();
      return row?.value;
    });
    await held.done;
    expect(seen).toBe("background");
  });

  it("reads never wait for a writer", async () => {
    const held = holdWriteLock(background, "b:3");
    await held.begun;
    const rows = await serving.db.selectFrom("settings").select("key").where("key", "=", "b:3").execute();
    expect(rows).toEqual([]);
    held.release();
    await held.done;
  });
});

describe("the writer turnstile", () => {
  const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

  it("retries only while the answer is busy, and says meanwhile that the serving side waits", async () => {
    const turnstile = new WriterTurnstile();
    const background = new WriterTurnstile(turnstile.buffer);
    const waitingSeen: number[] = [];
    let attempts = 0;
    const result = await turnstile.retryWhileBusy(async () => {
      waitingSeen.push(new Int32Array(background.buffer)[0] ?? -1);
      if (++attempts < 3) throw busy();
      return "written";
    });
    expect(result).toBe("written");
    expect(waitingSeen).toEqual([0, 1, 1]);
    // Done waiting: a background writer no longer gives way.
    const before = Date.now();
    background.giveWay();
    expect(Date.now() - before).toBeLessThan(50);
  });

  it("passes any other error through at once", async () => {
    const turnstile = new WriterTurnstile();
    let attempts = 0;
    const failing = turnstile.retryWhileBusy(async () => {
      attempts++;
      throw Object.assign(new Error("constraint"), { code: "SQLITE_CONSTRAINT_UNIQUE" });
    });
    await expect(failing).rejects.toThrow("constraint");
    expect(attempts).toBe(1);
  });

  it("a background commit lets the waiting serving side in", async () => {
    const turnstile = new WriterTurnstile();
    const background = new WriterTurnstile(turnstile.buffer);
    let lockHeld = true;
    let attempts = 0;
    const write = turnstile.retryWhileBusy(async () => {
      attempts++;
      if (lockHeld) throw busy();
      return "written";
    });
    await new Promise((resolve) => setImmediate(resolve));
    lockHeld = false;
    background.committed();
    await expect(write).resolves.toBe("written");
    expect(attempts).toBe(2);
  });
});
