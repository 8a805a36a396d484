import { monitorEventLoopDelay } from "node:perf_hooks";
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
import { connectorKinds } from "./synthetic-kinds.js";

/** What the sync bench server tells the driver once it listens. */
export interface SyncBenchTarget {
  readonly url: string;
  readonly adminKey: string;
  readonly organizationId: string;
  readonly scimToken: string;
  readonly scimBase: string;
  readonly probeUserIds: string[];
}

export const BENCH_ADMIN_KEY = "roster_admin_bench_0123456789abcdefghijklmnopqrstuvwxyzABCD";
const PROBE_USERS = 1000;

// Runs in its own process: the driver's probes and polling never share the server's event loop,
// and the peak RSS measured here is the server's alone.
const dialect = process.argv[2] as Dialect;
const database = await createTestDatabase(dialect);
const config = {
  ...loadConfig({
    LOG_LEVEL: "silent",
    ROSTER_RATE_LIMIT_SCIM: "100000000",
    ROSTER_RATE_LIMIT_API: "100000000",
    ROSTER_SECRET_KEY: "bench-secret-key-0123456789abcdef",
    // Passed through, to compare batch sizes.
    ROSTER_SYNC_BATCH_SIZE: process.env.ROSTER_SYNC_BATCH_SIZE ?? "",
  }),
  database: database.config,
};
const storage = openStorage(database.config);
await migrateToLatest(storage);
await ensureAdminKey(storage.db, BENCH_ADMIN_KEY);
const deps: Deps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator(), config };
const org = await createOrganizationService(deps).create({ name: "Bench" });
const probeDir = await createDirectoryService(deps).create(
  { organization_id: org.id, name: "Probe", type: "generic scim v2.0" },
  null,
);
const { userIds } = await seedDirectory(storage.db, dialect, probeDir.id, org.id, PROBE_USERS);

// Runs get threads of their own as in `roster serve` (BENCH_SYNC_THREAD=off shares the event loop, to compare);
// the thread loads the generated source from its module.
const kindsModule = new URL(`./synthetic-kinds${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url)
  .href;
const syncThread =
  process.env.BENCH_SYNC_THREAD === "off"
    ? undefined
    : {
        database: database.config,
        sharing: storage.sharing,
        eventWrites: storage.eventWrites,
        kindsModule,
        heapMb: config.sync.threadHeapMb,
      };
const app = await buildApp(deps, { logger: false, connectorKinds: connectorKinds(), syncThread });
const url = await app.listen({ host: "127.0.0.1", port: 0 });

// How long the event loop was held at a time during a run: what a request waiting on it waits.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
let peakRss = process.memoryUsage.rss();
let atPeak = process.memoryUsage();
const sampler = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) {
    peakRss = rss;
    if (process.env.BENCH_MEMORY_DETAIL) atPeak = process.memoryUsage();
  }
}, 20);

const target: SyncBenchTarget = {
  url,
  adminKey: BENCH_ADMIN_KEY,
  organizationId: org.id,
  scimToken: probeDir.scim?.token ?? "",
  scimBase: `/scim/v2/${probeDir.id}`,
  probeUserIds: userIds,
};
process.send?.({ type: "ready", target });
process.on("message", async (message: { type?: string }) => {
  if (message.type === "reset-rss") {
    global.gc?.();
    loopDelay.reset();
    peakRss = process.memoryUsage.rss();
    if (process.env.BENCH_MEMORY_DETAIL) {
      const m = process.memoryUsage();
      process.stderr.write(
        `  before the run: rss ${Math.round(m.rss / 1048576)} MB, heap used ${Math.round(m.heapUsed / 1048576)} MB\n`,
      );
    }
    process.send?.({ type: "rss", peakRss });
  } else if (message.type === "rss") {
    if (process.env.BENCH_MEMORY_DETAIL) {
      const mb = (n: number) => `${Math.round(n / 1048576)} MB`;
      process.stderr.write(
        `  event loop delay: p50 ${(loopDelay.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms\n`,
      );
      process.stderr.write(
        `  at peak: rss ${mb(atPeak.rss)}, heap used ${mb(atPeak.heapUsed)} of ${mb(atPeak.heapTotal)}, external ${mb(atPeak.external)} (array buffers ${mb(atPeak.arrayBuffers)})\n`,
      );
    }
    process.send?.({ type: "rss", peakRss });
  } else if (message.type === "stop") {
    clearInterval(sampler);
    await app.close();
    await storage.close();
    await database.drop();
    process.exit(0);
  }
});
