import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { sql } from "kysely";
import { appendEvents, type EventDraft, type EventRow, eventRows } from "../directory/outbox.js";
import { openStorage, type Storage } from "./connect.js";
import { migrateToLatest } from "./migrate.js";

const draft: EventDraft = { event: "dsync.user.updated", organizationId: null, directoryId: null, data: {} };

describe.each(DIALECTS)("announcing committed event writes on %s", (dialect) => {
  let database: TestDatabase;
  let storage: Storage;
  let signals = 0;
  const deps = { ids: createIdGenerator(), clock: systemClock };
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    storage = openStorage(database.config);
    await migrateToLatest(storage);
    storage.eventWrites.subscribe(() => {
      signals += 1;
    });
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it("announces a transaction that wrote events once, after its commit", async () => {
    const before = signals;
    await storage.db.transaction().execute(async (trx) => {
      await appendEvents(trx, deps, [draft]);
      await appendEvents(trx, deps, [draft, draft]);
      expect(signals).toBe(before); // not before the commit: nobody else could read them yet
    });
    expect(signals).toBe(before + 1);
  });

  it("announces a write outside a transaction at once", async () => {
    const before = signals;
    await appendEvents(storage.db, deps, [draft]);
    expect(signals).toBe(before + 1);
  });

  it.runIf(dialect === "postgres")(
    "announces a statement whose CTE inserts events (the one-statement member change)",
    async () => {
      const before = signals;
      const [row] = eventRows(deps, [draft]);
      await storage.db
        .with("e", (qc) => qc.insertInto("events").values(row as EventRow))
        .selectNoFrom(sql<number>`1`.as("one"))
        .execute();
      expect(signals).toBe(before + 1);
    },
  );

  it("stays quiet for a rollback and for transactions that wrote no events", async () => {
    const before = signals;
    await expect(
      storage.db.transaction().execute(async (trx) => {
        await appendEvents(trx, deps, [draft]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await storage.db.transaction().execute(async (trx) => {
      await trx.insertInto("settings").values({ key: "k", value: "v" }).execute();
    });
    expect(signals).toBe(before);
  });
});

describe("hearing another process's event commits on postgres", () => {
  let database: TestDatabase;
  let writer: Storage;
  let reader: Storage;
  const deps = { ids: createIdGenerator(), clock: systemClock };
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    writer = openStorage(database.config);
    await migrateToLatest(writer);
    // Another process, as far as the database can tell: a storage of its own, with its own connections.
    reader = openStorage(database.config);
  });
  afterAll(async () => {
    await reader?.close();
    await writer?.close();
    await database?.drop();
  });

  /** Resolves at the next signal, or rejects after `ms`. */
  function nextSignal(counter: { count: number }, ms = 5000): Promise<void> {
    const start = counter.count;
    return new Promise((resolve, reject) => {
      const deadline = Date.now() + ms;
      const poll = setInterval(() => {
        if (counter.count > start) {
          clearInterval(poll);
          resolve();
        } else if (Date.now() > deadline) {
          clearInterval(poll);
          reject(new Error(`no signal within ${ms} ms`));
        }
      }, 5);
    });
  }

  it("a database-wide listener hears the other's commits, once each, never a rollback; a process-wide one does not", async () => {
    const heardFromDatabase = { count: 0 };
    const processOnly = { count: 0 };
    const ready = nextSignal(heardFromDatabase);
    const stopDatabase = reader.eventWrites.subscribe(() => heardFromDatabase.count++, "database");
    const stopProcess = reader.eventWrites.subscribe(() => processOnly.count++);
    await ready; // listening: the first signal catches up on what came before
    processOnly.count = 0;

    const heard = nextSignal(heardFromDatabase);
    const before = heardFromDatabase.count;
    await writer.db.transaction().execute(async (trx) => {
      await appendEvents(trx, deps, [draft]);
      await appendEvents(trx, deps, [draft, draft]);
    });
    await heard;
    await expect(
      writer.db.transaction().execute(async (trx) => {
        await appendEvents(trx, deps, [draft]);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heardFromDatabase.count - before).toBe(1);
    expect(processOnly.count).toBe(0);
    stopProcess();
    stopDatabase();
  });
});
