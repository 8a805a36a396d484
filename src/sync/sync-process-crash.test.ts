/**
 * A real `roster serve` process killed with SIGKILL in the middle of a sync, then started again
 * on the same database: the dead run is recorded as failed at once (not left `running`, not
 * waited out for the lease's 60 s), and the next run completes with consistent data.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import {
  PROCESS_ADMIN_KEY as ADMIN_KEY,
  processEnv,
  type ServerProcess,
  startServerProcess,
} from "../../test/support/server-process.js";
import { openStorage, type Storage } from "../storage/connect.js";

const USERS = 3000;
const GROUPS = 7;

type Server = ServerProcess;

// Syncs run on the event loop (server-process.ts turns the sync thread off): a thread would load
// every module through tsx again (seconds), and SIGKILL ends the process with its threads either way.
// Loading the sources through tsx is most of a start; on a busy machine it takes a while.
const startServer = (database: TestDatabase["config"], extraEnv: Record<string, string> = {}) =>
  startServerProcess(processEnv(database, extraEnv), 60_000);

/** The parts of the API's answers this test reads. */
interface Answer {
  readonly id: string;
  readonly state: string;
  readonly counts: { readonly created: number; readonly failed: number };
  readonly failure: unknown;
}

async function api(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Answer }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).catch((error: unknown) => {
    throw new Error(`${method} ${path} failed (${String(error)}); the server printed:\n${server.output()}`);
  });
  return { status: res.status, json: (await res.json()) as Answer };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(DIALECTS)("a sync whose process is killed, on %s", (dialect) => {
  let database: TestDatabase;
  let folder: string;
  const servers: Server[] = [];
  let storage: Storage | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    folder = await mkdtemp(join(tmpdir(), "roster-crash-"));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop("SIGKILL");
    await storage?.close();
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  it("is recorded as failed (interrupted) by the restarted process, and the next run completes consistently", {
    timeout: 180_000,
  }, async () => {
    const file = join(folder, "people.csv");
    const rows = Array.from({ length: USERS }, (_, i) => `u${i},u${i}@crash.test,U,${i},active,Team${i % GROUPS}`);
    await writeFile(file, ["username,email,first_name,last_name,state,groups", ...rows].join("\n"));

    // One record per transaction: a run slow enough to be killed in the middle.
    const first = await startServer(database.config, { ROSTER_SYNC_BATCH_SIZE: "1" });
    servers.push(first);
    const org = await api(first, "POST", "/organizations", { name: "Crash" });
    const dir = await api(first, "POST", "/directories", {
      organization_id: org.json.id,
      name: "Export",
      type: "csv",
      connector: { path: file },
    });
    expect(dir.status, JSON.stringify(dir.json)).toBe(201);
    const dirId = dir.json.id as string;
    const started = await api(first, "POST", `/directories/${dirId}/sync`);
    expect(started.status).toBe(202);
    const killedRun = started.json.id as string;
    const midway = await until("the run's first saved progress", 20_000, async () => {
      const run = (await api(first, "GET", `/directories/${dirId}/sync`)).json;
      return run.counts.created > 0 || run.state !== "running" ? run : undefined;
    });
    await first.stop("SIGKILL");
    expect(midway, first.output()).toMatchObject({ id: killedRun, state: "running" });

    storage = openStorage(database.config);
    const saved = await storage.db
      .selectFrom("sync_runs")
      .select(["state"])
      .where("id", "=", killedRun)
      .executeTakeFirstOrThrow();
    expect(saved.state).toBe("running");

    const second = await startServer(database.config);
    servers.push(second);
    // The restarted process finds its predecessor's run dead: no 409, no 60 s wait for the lease.
    const next = await api(second, "POST", `/directories/${dirId}/sync`);
    expect(next.status, JSON.stringify(next.json)).toBe(202);
    const dead = (await api(second, "GET", `/directories/${dirId}/syncs/${killedRun}`)).json;
    expect(dead).toMatchObject({
      state: "failed",
      failure: { reason: "interrupted", message: "The process running this sync stopped before it finished" },
    });
    expect(dead.counts.created).toBeGreaterThan(0);
    const row = await storage.db
      .selectFrom("sync_runs")
      .select(["state", "failure_reason"])
      .where("id", "=", killedRun)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "failed", failure_reason: "interrupted" });
    const failedEvents = await storage.db
      .selectFrom("events")
      .select("data")
      .where("event", "=", "connector.sync.failed")
      .execute();
    expect(failedEvents.map((e) => JSON.parse(e.data).id)).toEqual([killedRun]);

    const done = await until("the next run to end", 60_000, async () => {
      const run = (await api(second, "GET", `/directories/${dirId}/syncs/${next.json.id}`)).json;
      return run.state === "running" ? undefined : run;
    });
    expect(done, JSON.stringify(done.failure)).toMatchObject({ state: "succeeded", counts: { failed: 0 } });
    expect(done.counts.created + dead.counts.created).toBeLessThanOrEqual(USERS);

    // Consistent: every user once with its one membership, and every change's event exactly once.
    const count = async (query: Promise<{ n: number | string | bigint }>) => Number((await query).n);
    const { db } = storage;
    expect(
      await count(
        db
          .selectFrom("directory_users")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("directory_id", "=", dirId)
          .where("state", "=", "active")
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(USERS);
    expect(
      await count(
        db
          .selectFrom("directory_groups")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("directory_id", "=", dirId)
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(GROUPS);
    expect(
      await count(
        db
          .selectFrom("group_memberships")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("directory_id", "=", dirId)
          .executeTakeFirstOrThrow(),
      ),
    ).toBe(USERS);
    const events = async (type: string) =>
      count(
        db
          .selectFrom("events")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("directory_id", "=", dirId)
          .where("event", "=", type)
          .executeTakeFirstOrThrow(),
      );
    expect(await events("dsync.user.created")).toBe(USERS);
    expect(await events("dsync.group.created")).toBe(GROUPS);
    expect(await events("dsync.group.user_added")).toBe(USERS);
    expect(await storage.db.selectFrom("sync_runs").select("id").where("state", "=", "running").execute()).toEqual([]);
  });
});
