import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import type { IdKind } from "../core/ids.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";
import { createDirectoryStore, type DirectoryContext, type DirectoryStore, type UserInput } from "./index.js";

function userInput(username: string, emails = 1): UserInput {
  return {
    username,
    idpId: `ext-${username}`,
    active: true,
    emails: Array.from({ length: emails }, (_, i) => ({
      value: `${username}+${i}@example.com`,
      type: i === 0 ? "work" : "home",
      primary: i === 0,
    })),
    firstName: "Ada",
    lastName: "Lovelace",
    jobTitle: null,
    rawAttributes: { userName: username, title: "Engineer" },
  };
}

// A create is the same transaction whichever way it runs: on SQLite at once on the connection
// (storage/immediate-writes.ts), on PostgreSQL as one statement, in a batch through Kysely.
describe.each(DIALECTS)("creating a user on %s", (dialect) => {
  let t: TestApp;
  let store: DirectoryStore;
  let dir: DirectoryContext;
  /** When set, the id the next event gets (a taken one makes its insert fail). */
  let nextEventId: string | null = null;

  const rowsOf = async (userId: string) => ({
    users: await t.storage.db.selectFrom("directory_users").selectAll().where("id", "=", userId).execute(),
    emails: await t.storage.db
      .selectFrom("user_emails")
      .select(["position", "value", "value_lower", "type", "primary"])
      .where("user_id", "=", userId)
      .orderBy("position")
      .execute(),
    events: (
      await t.storage.db.selectFrom("events").select(["event", "data"]).where("directory_id", "=", dir.id).execute()
    ).filter((e) => (JSON.parse(e.data) as { id: string }).id === userId),
  });
  const userCount = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("directory_users")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("directory_id", "=", dir.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const eventCount = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("events")
          .select((eb) => eb.fn.countAll().as("n"))
          .where("directory_id", "=", dir.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const ids = (kind: IdKind) => {
      if (kind === "event" && nextEventId) {
        const id = nextEventId;
        nextEventId = null;
        return id;
      }
      return t.deps.ids(kind);
    };
    store = createDirectoryStore({ ...t.deps, ids });
    const org = await createOrganizationService(t.deps).create({ name: "Creates" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "d", type: "generic scim v2.0" },
      null,
    );
    dir = { id: d.id, organizationId: org.id, deactivatedMembers: "hide" };
  });
  afterAll(async () => t?.close());

  it("stores the user, its emails and one event, all as a batch's transaction stores them", async () => {
    const { user, version } = await store.users.create(dir, userInput("fast"));
    const [viaBatch] = await store.batch((tx) => tx.users.createMany(dir, [userInput("slow")]));
    expect(version).toBe(1);
    const fast = await rowsOf(user.id);
    const slow = await rowsOf(viaBatch?.id ?? "");
    const differing = (row: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(row)
          .replaceAll(user.id, "ID")
          .replaceAll(viaBatch?.id ?? "", "ID")
          .replaceAll("fast", "NAME")
          .replaceAll("slow", "NAME"),
      );
    expect(fast.users).toHaveLength(1);
    expect(fast.users.map(({ created_at, updated_at, ...rest }) => differing(rest))).toEqual(
      slow.users.map(({ created_at, updated_at, ...rest }) => differing(rest)),
    );
    expect(fast.emails.map(differing)).toEqual(slow.emails.map(differing));
    expect(fast.events).toEqual([{ event: "dsync.user.created", data: JSON.stringify(user) }]);
    expect(await store.users.get(dir.id, user.id)).toEqual({ user, version: 1 });
  });

  it("stores every email of a user with many, in order", async () => {
    const { user } = await store.users.create(dir, userInput("many", 12));
    const { emails, events } = await rowsOf(user.id);
    expect(emails.map((e) => [e.position, e.value, e.primary])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i, `many+${i}@example.com`, i === 0 ? 1 : 0]),
    );
    expect(user.emails).toHaveLength(12);
    expect(events).toHaveLength(1);
  });

  it("refuses a taken userName as a uniqueness error, writing nothing", async () => {
    await store.users.create(dir, userInput("taken"));
    const [users, events] = [await userCount(), await eventCount()];
    await expect(store.users.create(dir, userInput("TAKEN"))).rejects.toMatchObject({ code: "uniqueness" });
    expect([await userCount(), await eventCount()]).toEqual([users, events]);
  });

  it("rolls back a create whose event cannot be written, leaving neither the user nor its emails", async () => {
    const { user: first } = await store.users.create(dir, userInput("first"));
    const [firstEvent] = (await rowsOf(first.id)).events;
    expect(firstEvent).toBeDefined();
    const taken = (
      await t.storage.db
        .selectFrom("events")
        .select("id")
        .where("directory_id", "=", dir.id)
        .orderBy("seq")
        .executeTakeFirstOrThrow()
    ).id;
    const [users, events] = [await userCount(), await eventCount()];
    nextEventId = taken;
    await expect(store.users.create(dir, userInput("doomed"))).rejects.toThrow();
    expect([await userCount(), await eventCount()]).toEqual([users, events]);
    expect(
      await t.storage.db
        .selectFrom("user_emails")
        .select("user_id")
        .where("value", "=", "doomed+0@example.com")
        .execute(),
    ).toEqual([]);
  });

  it("keeps concurrent creates apart: one refused does not undo the others", async () => {
    const results = await Promise.allSettled([
      store.users.create(dir, userInput("c1")),
      store.users.create(dir, userInput("c1")),
      store.users.create(dir, userInput("c2", 3)),
      store.users.create(dir, userInput("c3")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    for (const r of results) {
      if (r.status !== "fulfilled") continue;
      const { users, events } = await rowsOf(r.value.user.id);
      expect([users.length, events.length]).toEqual([1, 1]);
    }
  });
});
