import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { raceOlderXidPastLowerSeq } from "../../test/support/xid-race.js";
import { appendEvents, type EventDraft } from "../directory/outbox.js";

interface EventBody {
  object: "event";
  id: string;
  event: string;
  data: Record<string, unknown>;
  created_at: string;
}
interface ListBody {
  object: "list";
  data: EventBody[];
  list_metadata: { before: null; after: string | null };
}
interface Tenant {
  orgId: string;
  key: string;
  scim: ReturnType<typeof scimClient>;
}

const UNKNOWN_EVENT_ID = "event_01JZZZZZZZZZZZZZZZZZZZZZZZ";

describe.each(DIALECTS)("GET /events on %s", (dialect) => {
  let t: TestApp;
  let acme: Tenant;
  let globex: Tenant;

  async function tenant(name: string): Promise<Tenant> {
    const { orgId, key } = await createOrgWithKey(t.app, name);
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(key),
        payload: { name: `${name} Okta`, type: "okta scim v2.0" },
      })
    ).json();
    return {
      orgId,
      key,
      scim: scimClient(t.app, { id: dir.id, orgId, token: dir.scim.token, base: `/scim/v2/${dir.id}` }),
    };
  }

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await tenant("Acme");
    globex = await tenant("Globex");
    for (const who of [acme, globex]) {
      const user = (
        await who.scim("POST", "/Users", {
          schemas: [SCHEMA.user],
          userName: "ada@example.com",
          emails: [{ value: "ada@example.com", primary: true }],
        })
      ).json();
      const group = (await who.scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Admins" })).json();
      const patch = {
        schemas: [SCHEMA.patch],
        Operations: [{ op: "add", path: "members", value: [{ value: user.id }] }],
      };
      expect([200, 204]).toContain((await who.scim("PATCH", `/Groups/${group.id}`, patch)).statusCode);
    }
  });
  afterAll(async () => t?.close());

  /**
   * On PostgreSQL an event waits while any older transaction of the cluster runs, and other test
   * files write concurrently: let those finish before asserting what a complete read returns.
   */
  async function settle(): Promise<void> {
    const settled = t.storage.caps.eventsSettled;
    if (!settled) return;
    for (let attempt = 0; attempt < 500; attempt++) {
      const waiting = await t.storage.db
        .selectFrom("events")
        .select("seq")
        .where((eb) => eb.not(settled))
        .limit(1)
        .executeTakeFirst();
      if (!waiting) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error("events never settled");
  }
  const get = (query: string, key = ADMIN_KEY) =>
    t.app.inject({ method: "GET", url: `/events?${query}`, headers: bearer(key) });
  const listNow = async (query: string, key = ADMIN_KEY): Promise<ListBody> => {
    const res = await get(query, key);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const list = async (query: string, key = ADMIN_KEY): Promise<ListBody> => {
    await settle();
    return listNow(query, key);
  };
  const storedIds = async (orgId?: string): Promise<string[]> => {
    let query = t.storage.db.selectFrom("events").select("id").orderBy("feed_pos");
    if (orgId) query = query.where("organization_id", "=", orgId);
    return (await query.execute()).map((row) => row.id);
  };
  const newestId = async (): Promise<string> => {
    await settle();
    return (
      await t.storage.db
        .selectFrom("events")
        .select("id")
        .orderBy("feed_pos", "desc")
        .limit(1)
        .executeTakeFirstOrThrow()
    ).id;
  };
  const draft = (orgId: string, data: Record<string, unknown>): EventDraft => ({
    event: "dsync.user.updated",
    organizationId: orgId,
    directoryId: null,
    data,
  });

  it("lists events oldest first, in the WorkOS shape", async () => {
    const page = await list(`organization_id=${acme.orgId}&limit=100`);
    expect(page.object).toBe("list");
    expect(page.data.map((e) => e.event)).toEqual([
      "dsync.activated",
      "dsync.token.created",
      "dsync.user.created",
      "dsync.group.created",
      "dsync.group.user_added",
    ]);
    expect(page.data.map((e) => e.id)).toEqual(await storedIds(acme.orgId));
    expect(page.data[2]).toEqual({
      object: "event",
      id: expect.stringMatching(/^event_/),
      event: "dsync.user.created",
      data: expect.objectContaining({ object: "directory_user", username: "ada@example.com" }),
      created_at: "2026-01-01T00:00:00.000Z",
    });
    expect(page.list_metadata).toEqual({ before: null, after: null });
  });

  it("filters by several types given repeated, comma-separated (as the WorkOS SDK sends them) or as events[]", async () => {
    const types = ["dsync.user.created", "dsync.group.user_added"];
    const sdkQuery = new URLSearchParams({ events: String(types), organization_id: acme.orgId }).toString();
    expect(sdkQuery).toContain("events=dsync.user.created%2Cdsync.group.user_added");
    const pages = await Promise.all([
      list(sdkQuery),
      list(`events=${types[0]}&events=${types[1]}&organization_id=${acme.orgId}`),
      list(`events[]=${types[0]}&events[]=${types[1]}&organization_id=${acme.orgId}`),
    ]);
    for (const page of pages) expect(page.data.map((e) => e.event)).toEqual(types);
    expect((await list("events=dsync.group.created")).data.map((e) => e.data.organization_id)).toEqual([
      acme.orgId,
      globex.orgId,
    ]);
  });

  // The WorkOS SDK's listEvents takes `order: "asc" | "desc"` and sends it when given.
  it("reads oldest first by default and with order=asc, newest first with order=desc, where after walks back", async () => {
    const ids = await storedIds(acme.orgId);
    expect((await list(`organization_id=${acme.orgId}&order=asc&limit=100`)).data.map((e) => e.id)).toEqual(ids);
    const newest = await list(`organization_id=${acme.orgId}&order=desc&limit=2`);
    expect(newest.data.map((e) => e.id)).toEqual(ids.slice(-2).reverse());
    expect(newest.list_metadata).toEqual({ before: null, after: ids.at(-2) });
    const older = await list(`organization_id=${acme.orgId}&order=desc&limit=100&after=${newest.list_metadata.after}`);
    expect(older.data.map((e) => e.id)).toEqual(ids.slice(0, -2).reverse());
    expect(older.list_metadata.after).toBeNull();
  });

  it("answers 400 naming the field to an unknown event type", async () => {
    const res = await get("events=dsync.user.created,dsync.user.exploded");
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: "invalid_request",
      message: expect.any(String),
      errors: [expect.objectContaining({ field: "events.1", code: "enum" })],
    });
  });

  it("shows an organization key only its own organization's events, and 404 for another organization", async () => {
    expect((await list("limit=100", acme.key)).data.map((e) => e.id)).toEqual(await storedIds(acme.orgId));
    expect((await list(`organization_id=${acme.orgId}&limit=100`, acme.key)).data.map((e) => e.id)).toEqual(
      await storedIds(acme.orgId),
    );
    const foreign = await get(`organization_id=${globex.orgId}`, acme.key);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual({ code: "not_found", message: `Organization ${globex.orgId} not found` });
    expect((await list(`organization_id=${globex.orgId}&limit=100`)).data.map((e) => e.id)).toEqual(
      await storedIds(globex.orgId),
    );
  });

  it("refuses another organization's event id as an organization key's cursor, as if unknown", async () => {
    const [globexEvent] = await storedIds(globex.orgId);
    for (const after of [globexEvent, UNKNOWN_EVENT_ID]) {
      const res = await get(`after=${after}`, acme.key);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: "invalid_request",
        errors: [{ field: "after", code: "unknown_cursor" }],
      });
    }
    expect((await get(`after=${globexEvent}`)).statusCode).toBe(200);
  });

  it("answers 401 without an API key, a SCIM token included", async () => {
    expect((await t.app.inject({ method: "GET", url: "/events" })).statusCode).toBe(401);
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(acme.key),
        payload: { name: "Second", type: "okta scim v2.0" },
      })
    ).json();
    expect((await get("", dir.scim.token)).statusCode).toBe(401);
  });

  it("walks every event exactly once with after, and a poller resumes where it stopped", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Paged");
    await appendEvents(
      t.storage.db,
      t.deps,
      Array.from({ length: 23 }, (_, n) => draft(orgId, { n })),
    );
    const seen: string[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    do {
      const page: ListBody = await list(`organization_id=${orgId}&limit=5${after ? `&after=${after}` : ""}`);
      seen.push(...page.data.map((e) => e.id));
      sizes.push(page.data.length);
      after = page.list_metadata.after;
      if (after) expect(after).toBe(page.data.at(-1)?.id);
    } while (after);
    expect(sizes).toEqual([5, 5, 5, 5, 3]);
    expect(seen).toEqual(await storedIds(orgId));

    const last = seen.at(-1);
    await appendEvents(t.storage.db, t.deps, [draft(orgId, { n: 23 }), draft(orgId, { n: 24 })]);
    expect((await list(`organization_id=${orgId}&after=${last}`)).data.map((e) => e.data.n)).toEqual([23, 24]);
  });

  it("gives a cursor on an exactly full page, and then an empty page without one", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Exact");
    await appendEvents(
      t.storage.db,
      t.deps,
      Array.from({ length: 4 }, (_, n) => draft(orgId, { n })),
    );
    const full = await list(`organization_id=${orgId}&limit=4`);
    expect(full.list_metadata.after).toBe(full.data[3]?.id);
    expect(await list(`organization_id=${orgId}&limit=4&after=${full.list_metadata.after}`)).toEqual({
      object: "list",
      data: [],
      list_metadata: { before: null, after: null },
    });
  });

  it("defaults to 10 events, accepts up to 100, and refuses limits outside 1–100", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Many");
    await appendEvents(
      t.storage.db,
      t.deps,
      Array.from({ length: 105 }, (_, n) => draft(orgId, { n })),
    );
    expect((await list(`organization_id=${orgId}`)).data).toHaveLength(10);
    expect((await list(`organization_id=${orgId}&limit=100`)).data).toHaveLength(100);
    for (const limit of ["0", "101", "-1", "ten", "2.5"]) {
      const res = await get(`limit=${limit}`);
      expect(res.statusCode, limit).toBe(400);
      expect(res.json()).toMatchObject({ code: "invalid_request", errors: [{ field: "limit" }] });
    }
  });

  it("keeps events from range_start (inclusive) to range_end (exclusive), read as UTC unless offset", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Clocked");
    t.clock.advance(Date.parse("2030-01-01T00:00:00Z") - t.clock.now().getTime());
    for (const n of [0, 1, 2]) {
      await appendEvents(t.storage.db, t.deps, [draft(orgId, { n })]);
      t.clock.advance(3_600_000);
    }
    const within = async (range: string) => (await list(`organization_id=${orgId}&${range}`)).data.map((e) => e.data.n);
    expect(await within("range_start=2030-01-01T01:00:00Z")).toEqual([1, 2]);
    expect(await within("range_end=2030-01-01T01:00:00.000Z")).toEqual([0]);
    expect(await within("range_start=2030-01-01T02:30:00%2B02:00&range_end=2030-01-01T01:30:00")).toEqual([1]);
    expect(await within("range_start=2030-01-01T02:30:00+02:00")).toEqual([1, 2]);
    expect(await within("range_start=2030-01-01")).toEqual([0, 1, 2]);
    expect(await within("range_end=2030-01-01")).toEqual([]);
  });

  it("answers 400 with {code, message, errors} to bad ranges, cursors and unknown parameters", async () => {
    const cases: [string, string, string][] = [
      ["range_start=yesterday", "range_start", "format"],
      ["range_end=2030-02-30", "range_end", "format"],
      ["range_start=2030-01-02&range_end=2030-01-01", "range_end", "range"],
      ["after=42", "after", "pattern"],
      [`after=${UNKNOWN_EVENT_ID}`, "after", "unknown_cursor"],
      ["organization_id=acme", "organization_id", "pattern"],
      ["order=newest", "order", "enum"],
      [`before=${UNKNOWN_EVENT_ID}`, "before", "unknown_field"],
    ];
    for (const [query, field, code] of cases) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(res.json(), query).toEqual({
        code: "invalid_request",
        message: expect.any(String),
        errors: [expect.objectContaining({ field, code, message: expect.any(String) })],
      });
    }
  });

  // A reader that moved past the later event would never see the slow one.
  it("never skips a slow transaction's event, even when a later one commits first", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Racing");
    const cursor = await newestId();
    const markers = async () => (await list(`after=${cursor}`)).data.map((e) => e.data.marker);
    if (dialect === "postgres") {
      const slow = await t.storage.db.startTransaction().execute();
      let committed = false;
      try {
        await appendEvents(slow, t.deps, [draft(orgId, { marker: "slow" })]);
        await appendEvents(t.storage.db, t.deps, [draft(orgId, { marker: "fast" })]);
        // Committed and visible, but a lower sequence number may still commit: not served yet.
        expect(
          await t.storage.db.selectFrom("events").select("id").where("organization_id", "=", orgId).execute(),
        ).toHaveLength(1);
        expect(await listNow(`after=${cursor}`)).toEqual({
          object: "list",
          data: [],
          list_metadata: { before: null, after: null },
        });
        expect((await listNow(`after=${cursor}`, ADMIN_KEY)).data).toEqual([]);
        await slow.commit().execute();
        committed = true;
      } finally {
        if (!committed) await slow.rollback().execute();
      }
    } else {
      // One writer at a time: sequence order is commit order.
      await appendEvents(t.storage.db, t.deps, [draft(orgId, { marker: "slow" })]);
      await appendEvents(t.storage.db, t.deps, [draft(orgId, { marker: "fast" })]);
    }
    const stored = await t.storage.db
      .selectFrom("events")
      .select("data")
      .where("organization_id", "=", orgId)
      .orderBy("feed_pos")
      .execute();
    expect(stored.map((row) => JSON.parse(row.data).marker)).toEqual(["slow", "fast"]);
    expect(await markers()).toEqual(["slow", "fast"]);
  });

  // The writer with the older xid can draw the higher seq and commit first.
  it("never skips a younger writer's lower sequence number after serving an older writer's higher one", async () => {
    const { orgId } = await createOrgWithKey(t.app, "Interleaved");
    let cursor = await newestId();
    const seen: unknown[] = [];
    const poll = async () => {
      const page = await listNow(`organization_id=${orgId}&after=${cursor}&limit=100`);
      seen.push(...page.data.map((e) => e.data.marker));
      cursor = page.data.at(-1)?.id ?? cursor;
    };
    if (dialect === "postgres") {
      const race = await raceOlderXidPastLowerSeq(
        t.storage.db,
        t.deps,
        draft(orgId, { marker: "older" }),
        draft(orgId, { marker: "younger" }),
      );
      try {
        // Other test files' transactions can hold xmin back for a moment: poll as a client would.
        for (let i = 0; i < 500 && seen.length === 0; i++) {
          await poll();
          if (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        expect(seen).toEqual(["older"]); // served while the younger writer still runs
        await race.commitYounger();
      } finally {
        await race.abandon();
      }
    } else {
      // One writer at a time: sequence order is commit order, and nothing can interleave.
      await appendEvents(t.storage.db, t.deps, [draft(orgId, { marker: "older" })]);
      await poll();
      await appendEvents(t.storage.db, t.deps, [draft(orgId, { marker: "younger" })]);
    }
    await settle();
    await poll();
    expect(seen).toEqual(["older", "younger"]);
  });
});
