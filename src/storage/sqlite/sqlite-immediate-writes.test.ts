import SQLite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";
import { createDirectoryService } from "../../tenancy/directories.js";
import { createOrganizationService } from "../../tenancy/organizations.js";
import type { UserCreateWrite } from "../capabilities.js";
import { immediateWritesOf } from "../immediate-writes.js";

/** Lets the work already started run as far as it can before the test goes on (not past a setImmediate). */
async function settle(): Promise<void> {
  for (let i = 0; i < 200; i++) await Promise.resolve();
}

describe.each(DIALECTS)("immediate writes on %s", (dialect) => {
  let t: TestApp;
  let directoryId: string;
  let organizationId: string;
  let settings: string;
  let n = 0;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const org = await createOrganizationService(t.deps).create({ name: "Immediate" });
    const d = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "d", type: "generic scim v2.0" },
      null,
    );
    [directoryId, organizationId] = [d.id, org.id];
    settings = (
      await t.storage.db
        .selectFrom("directories")
        .select("settings")
        .where("id", "=", directoryId)
        .executeTakeFirstOrThrow()
    ).settings;
  });
  afterAll(async () => t?.close());

  function write(overrides: Partial<UserCreateWrite> = {}): UserCreateWrite {
    const id = `directory_user_immediate${++n}`;
    const now = new Date().toISOString();
    return {
      settings,
      row: {
        id,
        directory_id: directoryId,
        organization_id: organizationId,
        idp_id: null,
        username: `u${n}`,
        username_lower: `u${n}`,
        email: `u${n}@example.com`,
        emails: JSON.stringify([{ primary: true, type: "work", value: `u${n}@example.com` }]),
        first_name: null,
        last_name: null,
        job_title: null,
        state: "active",
        raw_attributes: "{}",
        custom_attributes: "{}",
        role: null,
        roles: "[]",
        version: 1,
        created_at: now,
        updated_at: now,
      },
      emails: [
        {
          user_id: id,
          directory_id: directoryId,
          position: 0,
          value: `u${n}@example.com`,
          value_lower: `u${n}@example.com`,
          type: "work",
          primary: 1,
        },
      ],
      event: {
        id: `event_immediate${n}`,
        event: "dsync.user.created",
        organization_id: organizationId,
        directory_id: directoryId,
        data: JSON.stringify({ id }),
        created_at: now,
      },
      ...overrides,
    };
  }
  const stored = async (userId: string) =>
    (await t.storage.db.selectFrom("directory_users").select("id").where("id", "=", userId).execute()).length;

  if (dialect === "postgres") {
    it("are not offered: PostgreSQL's create is one statement", () => {
      expect(immediateWritesOf(t.storage.db)).toBeUndefined();
    });
    return;
  }

  it("create a user at once, answered only once another connection reads it committed", async () => {
    const { database } = t.config;
    if (database.kind !== "sqlite") throw new Error("a SQLite test database");
    const w = write();
    const created = immediateWritesOf(t.storage.db)?.createUser(w);
    expect(created).toBeDefined();
    const other = new SQLite(database.file, { readonly: true });
    try {
      const seen = () =>
        other.prepare("select count(*) as n from directory_users where id = ?").get(w.row.id) as { n: number };
      expect(seen().n).toBe(0);
      expect(await created).toBe(true);
      expect(seen().n).toBe(1);
    } finally {
      other.close();
    }
  });

  it("announce the event once, after the commit", async () => {
    let heard = 0;
    const unsubscribe = t.storage.eventWrites.subscribe(() => heard++);
    try {
      const created = immediateWritesOf(t.storage.db)?.createUser(write());
      expect(heard).toBe(0);
      await created;
      expect(heard).toBe(1);
    } finally {
      unsubscribe();
    }
  });

  it("write nothing and answer false when the directory's settings moved", async () => {
    const w = write({ settings: `${settings} ` });
    expect(await immediateWritesOf(t.storage.db)?.createUser(w)).toBe(false);
    expect(await stored(w.row.id)).toBe(0);
  });

  it("leave the create to the transaction while another holds the connection", async () => {
    let resume!: () => void;
    const holding = t.storage.db.transaction().execute(async (trx) => {
      await trx.selectFrom("directories").select("id").execute();
      await new Promise<void>((resolve) => (resume = resolve));
    });
    await settle();
    const w = write();
    expect(immediateWritesOf(t.storage.db)?.createUser(w)).toBeUndefined();
    resume();
    await holding;
    expect(await stored(w.row.id)).toBe(0);
  });

  it("refuse a taken userName alone, keeping the group's other members", async () => {
    const writes = immediateWritesOf(t.storage.db);
    const first = write();
    const second = write();
    const clash = write({ row: { ...write().row, username_lower: first.row.username_lower } });
    const [a, b, c] = await Promise.allSettled([
      writes?.createUser(first),
      writes?.createUser(clash),
      writes?.createUser(second),
    ]);
    expect(a).toEqual({ status: "fulfilled", value: true });
    expect(b).toMatchObject({ status: "rejected", reason: { code: "SQLITE_CONSTRAINT_UNIQUE" } });
    expect(c).toEqual({ status: "fulfilled", value: true });
    expect([await stored(first.row.id), await stored(clash.row.id), await stored(second.row.id)]).toEqual([1, 0, 1]);
  });

  it("undo the whole group when a create fails after its first write, failing every member", async () => {
    const writes = immediateWritesOf(t.storage.db);
    const first = write();
    const clash = write({ event: { ...first.event } });
    const [a, b] = await Promise.allSettled([writes?.createUser(first), writes?.createUser(clash)]);
    expect(a).toMatchObject({ status: "rejected", reason: { code: "SQLITE_ABORT_ROLLBACK" } });
    expect(b).toMatchObject({ status: "rejected", reason: { code: "SQLITE_CONSTRAINT_UNIQUE" } });
    expect([await stored(first.row.id), await stored(clash.row.id)]).toEqual([0, 0]);
    // The connection is usable again, and the next create stands alone.
    const next = write();
    expect(await writes?.createUser(next)).toBe(true);
    expect(await stored(next.row.id)).toBe(1);
  });
});
