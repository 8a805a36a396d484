import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type MemoryData,
  memoryConnector,
  memoryData,
  sourceGroup,
  sourceUser,
} from "../../test/support/memory-connector.js";
import { type LiveServer, startLiveServer, TEST_ADMIN_KEY } from "../cli/live-test-server.js";
import { csvKind } from "../connectors/csv/index.js";
import { createRosterClient, listAll, type Organization, RosterApiError, type SyncRun } from "./index.js";

describe("roster/client: pull directory sync runs against a real server", () => {
  let live: LiveServer;
  let org: Organization;
  const data: MemoryData = memoryData();

  beforeAll(async () => {
    // `ldap` directories read the in-memory source the test holds; `csv` is the real CSV connector.
    live = await startLiveServer({ connectorKinds: { ldap: memoryConnector(data), csv: csvKind } });
    org = await live.admin.organizations.create({ name: "Acme" });
  });
  afterAll(async () => live?.close());
  afterEach(() => {
    Object.assign(data, memoryData());
  });

  const pullDirectory = async (connector: Record<string, unknown> = {}) =>
    (
      await live.admin.directories.create({
        organization_id: org.id,
        name: "LDAP",
        type: "ldap",
        connector: { host: "ldap.test", password: "s3cret", ...connector },
      })
    ).id;

  /** Starts a run and waits for it to end. */
  async function sync(dirId: string, options: { dryRun?: boolean; mode?: "full" | "delta" } = {}): Promise<SyncRun> {
    const started = await live.admin.directorySyncs.start(dirId, options);
    return live.admin.directorySyncs.waitForRun(dirId, started.id, { intervalMs: 20 });
  }

  it("creates a pull directory with a connector object whose credentials never come back", async () => {
    const dir = await live.admin.directories.create({
      organization_id: org.id,
      name: "LDAP",
      type: "ldap",
      connector: { host: "ldap.test", password: "s3cret", schedule: "1h" },
    });
    expect(dir.connector).toEqual({ host: "ldap.test", password_set: true, schedule: "1h" });
    expect(dir.scim).toBeUndefined();
    const updated = await live.admin.directories.update(dir.id, {
      connector: { schedule: null, max_removal_percent: 50 },
    });
    expect(updated.connector).toEqual({ host: "ldap.test", password_set: true, max_removal_percent: 50 });
  });

  it("starts a run, follows it to its end with progress, and reads it back", async () => {
    const dirId = await pullDirectory();
    data.users = ["ada", "bob"].map((u) => sourceUser(u));
    data.groups = [sourceGroup("eng", ["ada"])];
    const started = await live.admin.directorySyncs.start(dirId);
    expect(started).toMatchObject({
      object: "directory_sync_run",
      directory_id: dirId,
      organization_id: org.id,
      state: "running",
      mode: "full",
      trigger: "manual",
      dry_run: false,
    });

    const seen: SyncRun[] = [];
    const done = await live.admin.directorySyncs.waitForRun(dirId, started.id, {
      intervalMs: 10,
      onProgress: (r) => seen.push(r),
    });
    expect(done).toMatchObject({
      id: started.id,
      state: "succeeded",
      phase: "done",
      finished_at: expect.any(String),
      failure: null,
      changes: null,
    });
    expect(done.counts).toEqual({ created: 2, updated: 0, deactivated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(done.group_counts).toEqual({ created: 1, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
    expect(seen.at(-1)).toEqual(done);
    expect(seen.slice(0, -1).every((r) => r.state === "running")).toBe(true);

    expect(await live.admin.directorySyncs.current(dirId)).toEqual(done);
    expect(await live.admin.directorySyncs.get(dirId, started.id)).toEqual(done);
  });

  it("lists runs newest first, page by page and with the async iterator", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada")];
    const first = await sync(dirId);
    const second = await sync(dirId, { mode: "delta" });
    const third = await sync(dirId, { dryRun: true });
    expect(second.mode).toBe("delta");
    expect(third.dry_run).toBe(true);

    const page = await live.admin.directorySyncs.list(dirId, { limit: 2 });
    expect(page.data.map((r) => r.id)).toEqual([third.id, second.id]);
    expect(page.list_metadata.after).toBe(second.id);
    const all: string[] = [];
    for await (const run of live.admin.directorySyncs.iterate(dirId, { limit: 1 })) all.push(run.id);
    expect(all).toEqual([third.id, second.id, first.id]);
    expect((await listAll((p) => live.admin.directorySyncs.list(dirId, p), { order: "asc" })).map((r) => r.id)).toEqual(
      [first.id, second.id, third.id],
    );
  });

  it("confirms a run the mass-removal guard held", async () => {
    const dirId = await pullDirectory();
    data.users = Array.from({ length: 10 }, (_, i) => sourceUser(`user${i}`));
    await sync(dirId);
    data.users = data.users.slice(0, 5);
    const held = await sync(dirId);
    expect(held).toMatchObject({ state: "needs_confirmation", pending_removals: 5 });

    const confirmed = await live.admin.directorySyncs.confirm(dirId, held.id);
    expect(confirmed).toMatchObject({ id: held.id, state: "running", confirmed_at: expect.any(String) });
    const done = await live.admin.directorySyncs.waitForRun(dirId, held.id, { intervalMs: 10 });
    expect(done.state).toBe("succeeded");
    expect(done.counts.deactivated).toBe(5);
    await expect(live.admin.directorySyncs.confirm(dirId, held.id)).rejects.toMatchObject({
      status: 409,
      code: "not_awaiting_confirmation",
    });
  });

  it("a dry run lists its planned changes", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada")];
    const run = await sync(dirId, { dryRun: true });
    expect(run).toMatchObject({
      state: "succeeded",
      dry_run: true,
      changes: [{ action: "create", kind: "user", ref: "ada" }],
    });
    expect((await live.admin.directoryUsers.list({ directory: dirId })).data).toEqual([]);
  });

  it("syncs one user, for real or as a dry run; an unknown user is a 404", async () => {
    const dirId = await pullDirectory();
    data.users = [sourceUser("ada"), sourceUser("bob")];
    const dry = await live.admin.directorySyncs.syncUser(dirId, "ada", { dryRun: true });
    expect(dry).toMatchObject({
      state: "succeeded",
      mode: "user",
      username: "ada",
      dry_run: true,
      changes: [{ action: "create", kind: "user", ref: "ada" }],
    });
    const run = await live.admin.directorySyncs.syncUser(dirId, "ada");
    expect(run).toMatchObject({ state: "succeeded", dry_run: false, counts: { created: 1 } });
    expect((await live.admin.directoryUsers.list({ directory: dirId })).data.map((u) => u.username)).toEqual(["ada"]);
    await expect(live.admin.directorySyncs.syncUser(dirId, "zed")).rejects.toMatchObject({
      status: 404,
      code: "user_not_found",
    });
  });

  it("uploads CSV text to a csv directory, as a dry run or for real", async () => {
    const dir = await live.admin.directories.create({ organization_id: org.id, name: "HR", type: "csv" });
    const csv = "username,email,groups\nada,ada@acme.test,Eng\nbob,bob@acme.test,Eng;Ops\n";
    const dry = await live.admin.directorySyncs.uploadCsv(dir.id, csv, { dryRun: true });
    expect(dry).toMatchObject({ state: "running", trigger: "upload", dry_run: true });
    expect((await live.admin.directorySyncs.waitForRun(dir.id, dry.id, { intervalMs: 10 })).counts.created).toBe(2);
    expect((await live.admin.directoryUsers.list({ directory: dir.id })).data).toEqual([]);

    const started = await live.admin.directorySyncs.uploadCsv(dir.id, csv);
    const done = await live.admin.directorySyncs.waitForRun(dir.id, started.id, { intervalMs: 10 });
    expect(done).toMatchObject({
      state: "succeeded",
      trigger: "upload",
      counts: { created: 2 },
      group_counts: { created: 2 },
    });
    expect((await live.admin.directoryGroups.list({ directory: dir.id })).data.map((g) => g.name).sort()).toEqual([
      "Eng",
      "Ops",
    ]);
  });

  it("one run at a time: starting another answers 409 sync_in_progress", async () => {
    const dirId = await pullDirectory();
    let release: () => void = () => {};
    data.gate = new Promise((resolve) => (release = resolve));
    const running = await live.admin.directorySyncs.start(dirId);
    try {
      await expect(live.admin.directorySyncs.start(dirId)).rejects.toMatchObject({
        status: 409,
        code: "sync_in_progress",
      });
    } finally {
      release();
    }
    expect((await live.admin.directorySyncs.waitForRun(dirId, running.id, { intervalMs: 10 })).state).toBe("succeeded");
  });

  it("waitForRun stops waiting when its signal aborts, and the run goes on", async () => {
    const dirId = await pullDirectory();
    let release: () => void = () => {};
    data.gate = new Promise((resolve) => (release = resolve));
    const running = await live.admin.directorySyncs.start(dirId);
    const stop = new AbortController();
    const waiting = live.admin.directorySyncs.waitForRun(dirId, running.id, {
      intervalMs: 10,
      signal: stop.signal,
      onProgress: () => stop.abort(),
    });
    await expect(waiting).rejects.toMatchObject({ name: "RosterApiError", status: 0, code: "aborted" });
    expect((await live.admin.directorySyncs.current(dirId)).state).toBe("running");
    release();
    expect((await live.admin.directorySyncs.waitForRun(dirId, running.id, { intervalMs: 10 })).state).toBe("succeeded");
  });

  it("waitForRun retries a transient failure and rejects a real one at once", async () => {
    const dirId = await pullDirectory();
    const done = await sync(dirId);
    let failures = 1;
    const flaky = createRosterClient({
      baseUrl: live.url,
      apiKey: TEST_ADMIN_KEY,
      fetch: async (input, init) =>
        failures-- > 0
          ? new Response(JSON.stringify({ code: "unavailable", message: "try later" }), { status: 503 })
          : fetch(input, init),
    });
    const retried: number[] = [];
    const run = await flaky.directorySyncs.waitForRun(dirId, done.id, {
      intervalMs: 10,
      onError: (error) => retried.push(error.status),
    });
    expect(run).toEqual(done);
    expect(retried).toEqual([503]);

    const error = await live.admin.directorySyncs
      .waitForRun(dirId, "sync_01ARZ3NDEKTSV4RRFFQ69G5FAV", { intervalMs: 10 })
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(RosterApiError);
    expect(error).toMatchObject({ status: 404, code: "not_found" });
    await expect(live.admin.directorySyncs.waitForRun(dirId, done.id, { intervalMs: 5 })).rejects.toThrow(RangeError);
  });

  it("refuses to sync an ingest directory", async () => {
    const dir = await live.admin.directories.create({ organization_id: org.id, name: "Okta", type: "okta scim v2.0" });
    await expect(live.admin.directorySyncs.start(dir.id)).rejects.toMatchObject({
      status: 409,
      code: "not_a_pull_directory",
    });
  });
});
