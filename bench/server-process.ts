import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import Fastify from "fastify";
import { buildApp } from "../src/app.js";
import { ensureAdminKey } from "../src/auth/admin-key.js";
import { loadConfig } from "../src/config.js";
import { systemClock } from "../src/core/clock.js";
import type { Deps } from "../src/core/deps.js";
import { createIdGenerator } from "../src/core/ids.js";
import { openStorage } from "../src/storage/connect.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import { createDirectoryService } from "../src/tenancy/directories.js";
import { createOrganizationService } from "../src/tenancy/organizations.js";
import { createTestDatabase, type Dialect } from "../test/support/databases.js";
import { seedDirectory } from "./seed.js";

/** What the server process tells the load generator once it listens. */
export interface BenchTarget {
  readonly url: string;
  readonly bareUrl: string;
  readonly token: string;
  readonly base: string;
  readonly userIds: string[];
  readonly groupId: string;
  readonly seedSeconds: number;
  /** PostgreSQL's database name (its backends' CPU is read from /proc by bench/database-cpu.ts). */
  readonly database?: string;
}

/** The server process's CPU time (main thread and helpers) over one measure. */
export interface ServerCpu {
  readonly cpuMicros: number;
  readonly seconds: number;
}

type Message = { type?: "stop" | "begin" | "end" | "bare-json"; measure?: string; body?: unknown };

// Runs in its own process so the load generator never shares the server's event loop.
const dialect = process.argv[2] as Dialect;
const users = Number(process.argv[3]);
const database = await createTestDatabase(dialect);
const config = {
  ...loadConfig({ LOG_LEVEL: "silent", ROSTER_RATE_LIMIT_SCIM: "100000000", ROSTER_RATE_LIMIT_API: "100000000" }),
  database: database.config,
};
const storage = openStorage(database.config);
await migrateToLatest(storage);
await ensureAdminKey(storage.db, undefined);
const deps: Deps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator(), config };
const org = await createOrganizationService(deps).create({ name: "Bench" });
const dir = await createDirectoryService(deps).create(
  { organization_id: org.id, name: "Bench", type: "generic scim v2.0" },
  null,
);
const started = Date.now();
const { userIds, groupId } = await seedDirectory(storage.db, dialect, dir.id, org.id, users);
const seedSeconds = (Date.now() - started) / 1000;

const app = await buildApp(deps, { logger: false });
const url = await app.listen({ host: "127.0.0.1", port: 0 });
const bare = Fastify();
bare.get("/bare", async () => ({ ok: true }));
// The same JSON as a GET of one user answers, set by the side-by-side bench (`bare-json`).
let sameJson: unknown = {};
bare.get("/bare-json", async () => sameJson);
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

const target: BenchTarget = {
  url,
  bareUrl,
  token: dir.scim?.token ?? "",
  base: `/scim/v2/${dir.id}`,
  userIds: userIds.slice(0, 20_000),
  groupId,
  seedSeconds,
  ...(database.config.kind === "postgres" ? { database: new URL(database.config.url).pathname.slice(1) } : {}),
};
// BENCH_CPU_PROF=<dir>: a CPU profile of the server per measure, as <dir>/scim-<dialect>-<measure>.cpuprofile.
const profileDir = process.env.BENCH_CPU_PROF;
const inspector = profileDir ? new Session() : null;
inspector?.connect();
await inspector?.post("Profiler.enable");
await inspector?.post("Profiler.setSamplingInterval", { interval: 200 });

let mark = { at: performance.now(), cpu: process.cpuUsage() };

async function begin(): Promise<void> {
  await inspector?.post("Profiler.start");
  mark = { at: performance.now(), cpu: process.cpuUsage() };
}

async function end(measure: string): Promise<ServerCpu> {
  const cpu = process.cpuUsage(mark.cpu);
  const seconds = (performance.now() - mark.at) / 1000;
  if (inspector && profileDir) {
    const { profile } = await inspector.post("Profiler.stop");
    writeFileSync(
      join(profileDir, `scim-${dialect}-${measure.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.cpuprofile`),
      JSON.stringify(profile),
    );
  }
  return { cpuMicros: cpu.user + cpu.system, seconds };
}

process.send?.({ type: "ready", target });
process.on("message", async (message: Message) => {
  if (message.type === "begin") {
    await begin();
    process.send?.({ type: "begun" });
    return;
  }
  if (message.type === "bare-json") {
    sameJson = message.body;
    process.send?.({ type: "bare-json-set" });
    return;
  }
  if (message.type === "end") {
    process.send?.({ type: "cpu", cpu: await end(message.measure ?? "measure") });
    return;
  }
  if (message.type !== "stop") return;
  await app.close();
  await bare.close();
  await storage.close();
  await database.drop();
  process.exit(0);
});
