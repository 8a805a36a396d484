import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { systemClock } from "../core/clock.js";
import { createIdGenerator } from "../core/ids.js";
import { appendEvents, type EventDraft } from "../directory/outbox.js";
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
