import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveServer, scimOf, startLiveServer, TEST_ADMIN_KEY } from "../cli/live-test-server.js";
import { EVENT_TYPES } from "../events/event-types.js";
import {
  createRosterClient,
  type Organization,
  ROSTER_EVENT_TYPES,
  type RosterEvent,
  type RosterEventType,
} from "./index.js";

// The SDK keeps its own list (it must not load server code); it has to stay the server's list.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameTypes: Same<RosterEventType, (typeof EVENT_TYPES)[number]> = true;

describe("roster/client: events against a real server", () => {
  let live: LiveServer;
  let org: Organization;
  let push: ReturnType<typeof scimOf>;

  beforeAll(async () => {
    live = await startLiveServer();
    org = await live.admin.organizations.create({ name: "Evented" });
    const directory = await live.admin.directories.create({
      organization_id: org.id,
      name: "IdP",
      type: "generic scim v2.0",
    });
    push = scimOf(directory);
    for (const name of ["a1", "a2", "a3", "a4", "a5"]) await push.user(`${name}@evented.test`);
    const other = await live.admin.organizations.create({ name: "Other" });
    await live.admin.directories.create({ organization_id: other.id, name: "IdP", type: "generic scim v2.0" });
  });
  afterAll(async () => live?.close());

  it("knows exactly the server's event types", () => {
    expect(sameTypes).toBe(true);
    expect([...ROSTER_EVENT_TYPES].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it("lists events oldest first, filtered by type and organization", async () => {
    const created = await live.admin.events.list({
      events: ["dsync.user.created"],
      organization_id: org.id,
      limit: 100,
    });
    expect(created.data.map((e) => (e.data as { username?: string }).username)).toEqual(
      ["a1", "a2", "a3", "a4", "a5"].map((n) => `${n}@evented.test`),
    );
    expect(created.data[0]).toMatchObject({ object: "event", event: "dsync.user.created" });
    expect(created.list_metadata).toEqual({ before: null, after: null });

    const lifecycle = await live.admin.events.list({ events: ["dsync.activated", "dsync.token.created"], limit: 100 });
    expect(lifecycle.data.map((e) => e.event)).toEqual([
      "dsync.activated",
      "dsync.token.created",
      "dsync.activated",
      "dsync.token.created",
    ]);
    expect((await live.admin.events.list({ organization_id: org.id, order: "desc", limit: 1 })).data[0]?.event).toBe(
      "dsync.user.created",
    );
  });

  it("takes a Date range and sends it as ISO-8601", async () => {
    const future = new Date(Date.now() + 86_400_000);
    expect((await live.admin.events.list({ range_start: future })).data).toEqual([]);
    expect(
      (await live.admin.events.list({ range_end: future, organization_id: org.id, limit: 100 })).data,
    ).toHaveLength(7);
  });

  it("iterates every event across pages, following after, and ends when caught up", async () => {
    const all = (await live.admin.events.list({ organization_id: org.id, limit: 100 })).data.map((e) => e.id);
    const seen: string[] = [];
    for await (const event of live.admin.events.iterate({ organization_id: org.id, limit: 2 })) seen.push(event.id);
    expect(seen).toEqual(all);

    const rest: string[] = [];
    for await (const event of live.admin.events.iterate({ organization_id: org.id, after: all[4], limit: 2 }))
      rest.push(event.id);
    expect(rest).toEqual(all.slice(5));
  });

  it("tails from the newest event: yields only events written after it started, until aborted", async () => {
    const stop = new AbortController();
    const got: RosterEvent[] = [];
    let ready: (after: string | undefined) => void = () => undefined;
    const started = new Promise<string | undefined>((resolve) => (ready = resolve));
    const tail = (async () => {
      for await (const event of live.admin.events.tail(
        { organization_id: org.id },
        { signal: stop.signal, intervalMs: 20, onReady: ready },
      )) {
        got.push(event);
        if (got.length === 2) stop.abort();
      }
    })();
    const newest = await started;
    expect(newest).toBe(
      (await live.admin.events.list({ organization_id: org.id, order: "desc", limit: 1 })).data[0]?.id,
    );
    await push.user("late1@evented.test");
    await push.user("late2@evented.test");
    await tail;
    expect(got.map((e) => (e.data as { username?: string }).username)).toEqual([
      "late1@evented.test",
      "late2@evented.test",
    ]);
  });

  it("tails from a given cursor or from the start, and ends at once on an aborted signal", async () => {
    const all = (await live.admin.events.list({ organization_id: org.id, limit: 100 })).data.map((e) => e.id);
    const collect = async (params: { after?: string }, from: "latest" | "start", count: number) => {
      const stop = new AbortController();
      const ids: string[] = [];
      for await (const e of live.admin.events.tail(
        { ...params, organization_id: org.id, limit: 3 },
        { signal: stop.signal, intervalMs: 20, from },
      )) {
        ids.push(e.id);
        if (ids.length === count) stop.abort();
      }
      return ids;
    };
    expect(await collect({ after: all[1] }, "latest", all.length - 2)).toEqual(all.slice(2));
    expect(await collect({}, "start", all.length)).toEqual(all);

    const aborted = AbortSignal.abort();
    const none: RosterEvent[] = [];
    for await (const e of live.admin.events.tail({}, { signal: aborted })) none.push(e);
    expect(none).toEqual([]);
  });

  it("retries transient failures while tailing, and refuses an unbounded interval", async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      return calls === 2
        ? new Response(JSON.stringify({ code: "unavailable", message: "try later" }), { status: 503 })
        : fetch(input, init);
    };
    const client = createRosterClient({ baseUrl: live.url, apiKey: TEST_ADMIN_KEY, fetch: flaky });
    const stop = new AbortController();
    const errors: string[] = [];
    let ready: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (ready = resolve));
    const options = {
      signal: stop.signal,
      intervalMs: 10,
      onReady: () => ready(),
      onError: (err: { code: string }) => errors.push(err.code),
    };
    const tail = (async () => {
      for await (const e of client.events.tail({ organization_id: org.id }, options)) {
        stop.abort();
        return e;
      }
      return undefined;
    })();
    await started;
    await push.user("after-outage@evented.test");
    expect(((await tail)?.data as { username?: string } | undefined)?.username).toBe("after-outage@evented.test");
    expect(errors).toEqual(["unavailable"]);

    expect(() => live.admin.events.tail({}, { intervalMs: 0 })).toThrow(RangeError);
    expect(() => live.admin.events.tail({}, { intervalMs: 3_600_000 })).toThrow(
      /intervalMs must be an integer from 10 to 600000/,
    );
  });

  it("fails on an unknown cursor with the field named, also when tailing", async () => {
    const unknown = "event_01ARZ3NDEKTSV4RRFFQ69G5FAV";
    const error = await live.admin.events.list({ after: unknown }).catch((err: unknown) => err);
    expect(error).toMatchObject({
      name: "RosterApiError",
      status: 400,
      errors: [{ field: "after", code: "unknown_cursor" }],
    });
    await expect(live.admin.events.tail({ after: unknown }, { intervalMs: 10 }).next()).rejects.toMatchObject({
      status: 400,
    });
  });
});
