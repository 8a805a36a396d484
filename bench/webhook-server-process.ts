import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import SQLite from "better-sqlite3";
import pg from "pg";
import { loadConfig } from "../src/config.js";
import { systemClock } from "../src/core/clock.js";
import type { Deps } from "../src/core/deps.js";
import { createIdGenerator } from "../src/core/ids.js";
import { startServer } from "../src/server/start.js";
import { createDirectoryService } from "../src/tenancy/directories.js";
import { createOrganizationService } from "../src/tenancy/organizations.js";
import { createTestDatabase, type Dialect } from "../test/support/databases.js";

/** What the webhook bench server tells the load generator once it listens. */
export interface WebhookBenchTarget {
  readonly url: string;
  readonly adminKey: string;
  /** The directory's SCIM token and base path. */
  readonly token: string;
  readonly base: string;
}

/** The server process's own CPU time and event-loop utilization since the last `mark`. */
export interface ServerUsage {
  readonly seconds: number;
  /** CPU time (user + system) over wall time: 1.0 is one core busy all along. */
  readonly cpu: number;
  /** Share of the time the main event loop was busy. */
  readonly eventLoop: number;
  /** SQL statements the server sent (BEGIN and COMMIT included), requests and worker together. */
  readonly statements: number;
}

/** From the attempt log: what one delivery costs inside Roster and where its time goes. */
export interface AttemptStats {
  readonly attempts: number;
  readonly succeeded: number;
  /** The POST itself as the worker timed it (fetch, receiver, reading the answer). */
  readonly postP50Ms: number;
  readonly postP99Ms: number;
  /** One attempt's start to the next one's start, to the same endpoint. */
  readonly cycleMeanMs: number;
}

// Counts every statement the server runs, by wrapping the drivers' methods (nothing in src/ changes):
// better-sqlite3 statements' run/all/get/iterate, and pg's Client#query.
let statements = 0;
function countCalls(proto: Record<string, unknown>, methods: readonly string[]): void {
  for (const method of methods) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      statements++;
      return original.apply(this, args);
    };
  }
}
const probe = new SQLite(":memory:");
countCalls(Object.getPrototypeOf(probe.prepare("select 1")) as Record<string, unknown>, [
  "run",
  "all",
  "get",
  "iterate",
]);
probe.close();
countCalls(pg.Client.prototype as unknown as Record<string, unknown>, ["query"]);

// `roster serve` in its own process: startServer wires the app and the delivery worker as
// `serve` does (one keyring, the worker polling every 250 ms), so the load generator and the
// receiver never share its event loop.
const dialect = process.argv[2] as Dialect;
const database = await createTestDatabase(dialect);
const adminKey = `bench_admin_${randomBytes(16).toString("hex")}`;
const config = {
  ...loadConfig({
    LOG_LEVEL: "warn",
    PORT: "0",
    ROSTER_ADMIN_KEY: adminKey,
    ROSTER_SECRET_KEY: randomBytes(32).toString("base64"),
    ROSTER_RATE_LIMIT_SCIM: "100000000",
    ROSTER_RATE_LIMIT_API: "100000000",
  }),
  database: database.config,
};
const server = await startServer(config);
const deps: Deps = {
  db: server.storage.db,
  caps: server.storage.caps,
  clock: systemClock,
  ids: createIdGenerator(),
  config,
};
const org = await createOrganizationService(deps).create({ name: "Bench" });
const dir = await createDirectoryService(deps).create(
  { organization_id: org.id, name: "Bench", type: "generic scim v2.0" },
  null,
);

let mark = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), statements };

function usage(): ServerUsage {
  const now = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization(), statements };
  const seconds = (now.at - mark.at) / 1000;
  const cpuMicros = now.cpu.user - mark.cpu.user + (now.cpu.system - mark.cpu.system);
  const elu = performance.eventLoopUtilization(now.elu, mark.elu);
  const ran = now.statements - mark.statements;
  mark = now;
  return { seconds, cpu: cpuMicros / 1e6 / seconds, eventLoop: elu.utilization, statements: ran };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function attemptStats(): Promise<AttemptStats> {
  const rows = await server.storage.db
    .selectFrom("webhook_attempts as a")
    .innerJoin("webhook_deliveries as d", "d.id", "a.delivery_id")
    .select(["a.latency_ms", "a.status_code", "a.started_at", "d.endpoint_id"])
    .orderBy("a.started_at")
    .execute();
  const latencies = rows.map((r) => Number(r.latency_ms)).sort((a, b) => a - b);
  // Mean start-to-start gap per endpoint, over stretches where the queue was never empty (gaps < 1 s).
  const last = new Map<string, number>();
  let gaps = 0;
  let gapSum = 0;
  for (const row of rows) {
    const at = Date.parse(row.started_at);
    const previous = last.get(row.endpoint_id);
    if (previous !== undefined && at - previous < 1000) {
      gaps++;
      gapSum += at - previous;
    }
    last.set(row.endpoint_id, at);
  }
  return {
    attempts: rows.length,
    succeeded: rows.filter((r) => r.status_code !== null && r.status_code >= 200 && r.status_code < 300).length,
    postP50Ms: percentile(latencies, 0.5),
    postP99Ms: percentile(latencies, 0.99),
    cycleMeanMs: gaps === 0 ? 0 : gapSum / gaps,
  };
}

async function userCreatedEvents(): Promise<number> {
  const row = await server.storage.db
    .selectFrom("events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("event", "=", "dsync.user.created")
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

// BENCH_CPU_PROF=<dir>: a CPU profile of the server per phase, written as <dir>/<dialect>-<phase>.cpuprofile.
const profileDir = process.env.BENCH_CPU_PROF;
const inspector = profileDir ? new Session() : null;
inspector?.connect();
await inspector?.post("Profiler.enable");

async function profile(phase: string | undefined, start: boolean): Promise<void> {
  if (!inspector || !profileDir || !phase) return;
  if (start) return void (await inspector.post("Profiler.start"));
  const { profile: taken } = await inspector.post("Profiler.stop");
  writeFileSync(join(profileDir, `${dialect}-${phase}.cpuprofile`), JSON.stringify(taken));
}

/** A `dsync.user.created` event no delivery was ever made for, with its neighbours in sequence order. */
export interface SkippedEvent {
  readonly seq: number;
  readonly xactId: string | null;
  readonly neighbours: { seq: number; xactId: string | null }[];
}

// Every user.created event came after the endpoint was created, so each must have a delivery row.
async function skippedEvents(): Promise<SkippedEvent[]> {
  const { db } = server.storage;
  const rows = await db
    .selectFrom("events as e")
    .select(["e.seq", "e.xact_id"])
    .where("e.event", "=", "dsync.user.created")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("webhook_deliveries as d").select("d.id").whereRef("d.event_id", "=", "e.id"))),
    )
    .orderBy("e.seq")
    .limit(20)
    .execute();
  return Promise.all(
    rows.map(async (r) => {
      const near = await db
        .selectFrom("events")
        .select(["seq", "xact_id"])
        .where("seq", ">=", Number(r.seq) - 4)
        .where("seq", "<=", Number(r.seq) + 4)
        .orderBy("seq")
        .execute();
      return {
        seq: Number(r.seq),
        xactId: r.xact_id,
        neighbours: near.map((n) => ({ seq: Number(n.seq), xactId: n.xact_id })),
      };
    }),
  );
}

const target: WebhookBenchTarget = {
  url: server.url,
  adminKey,
  token: dir.scim?.token ?? "",
  base: `/scim/v2/${dir.id}`,
};
process.send?.({ type: "ready", target });
process.on("message", async (message: { type?: string; id?: number; phase?: string }) => {
  try {
    if (message.type === "profile-start" || message.type === "profile-stop") {
      await profile(message.phase, message.type === "profile-start");
      process.send?.({ type: "profiled", id: message.id, done: true });
    } else if (message.type === "usage") process.send?.({ type: "usage", id: message.id, usage: usage() });
    else if (message.type === "attempts")
      process.send?.({ type: "attempts", id: message.id, stats: await attemptStats() });
    else if (message.type === "skipped")
      process.send?.({ type: "skipped", id: message.id, events: await skippedEvents() });
    else if (message.type === "events")
      process.send?.({ type: "events", id: message.id, count: await userCreatedEvents() });
    else if (message.type === "stop") {
      await server.close();
      await database.drop();
      process.exit(0);
    }
  } catch (err) {
    process.send?.({ type: "error", id: message.id, error: String(err) });
  }
});
