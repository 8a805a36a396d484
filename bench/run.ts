import { DIALECTS } from "../test/support/databases.js";
import { type BenchRun, runScimBench, USERS } from "./scim-bench.js";
import { BURST_USERS, runWebhookBench, type WebhookRun } from "./webhook-bench.js";
import { runScaleOutBench } from "./scale-out-bench.js";
import { LIST_USERS, runUserListBench } from "./user-list-bench.js";
import { POLIS_VERSION, runPolisSideBySide, type SideFigure } from "./polis-bench.js";
import { CLOUD_GROUPS, CLOUD_LATENCY_MS, CLOUD_USERS, runCloudSyncBench } from "./cloud-sync-bench.js";
import {
  PROBE_RATE,
  runLdapSyncBench,
  runSyntheticSyncBench,
  SYNC_GROUPS,
  SYNC_USERS,
  type SyncFigure,
} from "./sync-bench.js";

const print = (line: string) => process.stdout.write(`${line}\n`);

function table(run: BenchRun): void {
  print(`\n${run.dialect}: bare Fastify route ${run.bare.requestsPerSecond} req/s, p99 ${run.bare.p99Ms} ms`);
  print(
    `${"measure".padEnd(44)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"vs bare".padStart(10)}${"errors".padStart(8)}`,
  );
  for (const f of run.figures) {
    const ratio = `${((f.requestsPerSecond / run.bare.requestsPerSecond) * 100).toFixed(1)} %`;
    print(
      `${f.name.padEnd(44)}${String(f.requestsPerSecond).padStart(9)}${String(f.p50Ms).padStart(9)}${String(f.p99Ms).padStart(9)}${ratio.padStart(10)}${String(f.errors).padStart(8)}`,
    );
  }
}

const ms = (v: number | null) => (v === null ? "—" : String(v));
const pct = (v: number) => `${Math.round(v * 100)} %`;

function webhookTable(run: WebhookRun): void {
  print(`\n${run.dialect}: webhooks to one endpoint on loopback`);
  print(
    `${"phase".padEnd(30)}${"delivered".padStart(10)}${"events/s".padStart(10)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"dups".padStart(6)}${"missing".padStart(9)}${"srv CPU".padStart(9)}${"srv loop".padStart(10)}${"machine".padStart(9)}`,
  );
  for (const f of run.figures) {
    print(
      `${f.phase.padEnd(30)}${String(f.delivered).padStart(10)}${String(f.eventsPerSecond).padStart(10)}${ms(f.p50Ms).padStart(9)}${ms(f.p99Ms).padStart(9)}${String(f.duplicates).padStart(6)}${String(f.missing).padStart(9)}${pct(f.server.cpu).padStart(9)}${pct(f.server.eventLoop).padStart(10)}${pct(f.machineBusy).padStart(9)}`,
    );
  }
  for (const f of run.figures) {
    const fromCreated =
      f.fromCreatedP50Ms === null ? "" : `; from created_at p50 ${f.fromCreatedP50Ms} ms, p99 ${f.fromCreatedP99Ms} ms`;
    print(`  ${f.phase}: ${f.note}${fromCreated}`);
  }
  for (const b of run.beside)
    print(`  beside: ${b.name} ${b.requestsPerSecond} req/s, p50 ${b.p50Ms} ms, p99 ${b.p99Ms} ms, ${b.errors} errors`);
  const a = run.attempts;
  for (const e of run.skipped) {
    print(
      `  SKIPPED: event seq ${e.seq} (xact ${e.xactId}) never got a delivery; neighbours ${e.neighbours.map((n) => `${n.seq}:${n.xactId}`).join(" ")}`,
    );
  }
  print(
    `  attempts: ${a.attempts} (${a.succeeded} 2xx); the POST itself p50 ${a.postP50Ms} ms, p99 ${a.postP99Ms} ms; one delivery every ${a.cycleMeanMs.toFixed(2)} ms while the queue is busy`,
  );
}

/** Issue 15's goals for a cloud connector's run: the server's peak RSS, and SCIM served meanwhile. */
const CLOUD_GOALS = { peakRssMb: 300, getP99Ms: 50 };

function cloudGoals(figures: readonly SyncFigure[]): void {
  for (const f of figures) {
    const rss = f.peakRssMb < CLOUD_GOALS.peakRssMb ? "met" : "NOT met";
    const p99 = f.probes.p99Ms < CLOUD_GOALS.getP99Ms ? "met" : "NOT met";
    print(
      `  ${f.name}: peak RSS ${f.peakRssMb} MB (goal < ${CLOUD_GOALS.peakRssMb} MB: ${rss}), SCIM GET p99 ${f.probes.p99Ms} ms (goal < ${CLOUD_GOALS.getP99Ms} ms: ${p99})`,
    );
  }
}

function syncTable(dialect: string, figures: readonly SyncFigure[]): void {
  print(`\n${dialect}: pull sync, with ${PROBE_RATE} SCIM GETs/s served by the same process meanwhile`);
  print(
    `${"run".padEnd(40)}${"seconds".padStart(9)}${"users/s".padStart(9)}${"peak RSS".padStart(10)}${"GET p50".padStart(9)}${"GET p99".padStart(9)}${"GET max".padStart(9)}${"state".padStart(20)}`,
  );
  for (const f of figures) {
    const touched = Object.values(f.counts).reduce((a, b) => a + b, 0);
    print(
      `${f.name.padEnd(40)}${f.seconds.toFixed(1).padStart(9)}${String(Math.round(touched / Math.max(f.seconds, 0.001))).padStart(9)}${`${f.peakRssMb} MB`.padStart(10)}${f.probes.p50Ms.toFixed(1).padStart(9)}${f.probes.p99Ms.toFixed(1).padStart(9)}${f.probes.maxMs.toFixed(1).padStart(9)}${f.state.padStart(20)}`,
    );
  }
  for (const f of figures)
    print(
      `  ${f.name}: users ${JSON.stringify(f.counts)}, groups ${JSON.stringify(f.groupCounts)}, ${f.probes.count} GETs, ${f.probes.errors} errors`,
    );
}

function polisTable(figures: readonly SideFigure[]): void {
  print(
    `${"server".padEnd(14)}${"storage".padEnd(10)}${"measure".padEnd(24)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"CPU/req".padStart(10)}${"errors".padStart(8)}`,
  );
  for (const f of figures) {
    print(
      `${f.server.padEnd(14)}${f.storage.padEnd(10)}${f.name.padEnd(24)}${String(f.requestsPerSecond).padStart(9)}${String(f.p50Ms).padStart(9)}${String(f.p99Ms).padStart(9)}${`${f.cpuMicros} µs`.padStart(10)}${String(f.errors).padStart(8)}`,
    );
  }
  const find = (server: string, storage: string, name: string) =>
    figures.find((f) => f.server === server && f.storage === storage && f.name === name);
  // Each ratio in req/s (the goal's measure) and in server CPU per request (steadier on a shared machine).
  const ratio = (label: string, a: SideFigure | undefined, b: SideFigure | undefined, goal: number) => {
    if (a === undefined || b === undefined) return;
    const r = a.requestsPerSecond / Math.max(1, b.requestsPerSecond);
    const cpu = `${(b.cpuMicros / Math.max(1, a.cpuMicros)).toFixed(2)}×`;
    print(
      `  ${label.padEnd(58)}${`${a.requestsPerSecond} / ${b.requestsPerSecond}`.padStart(16)}${`${r.toFixed(2)}×`.padStart(9)}${cpu.padStart(9)}  goal ≥ ${goal}× ${r >= goal ? "met" : "NOT met"}`,
    );
  };
  print(`\n${"Ratios (same run)".padEnd(60)}${"req/s".padStart(16)}${"ratio".padStart(9)}${"by CPU".padStart(9)}`);
  for (const storage of ["sqlite", "postgres"]) {
    for (const m of ["POST /Users", "GET /Users/{id}"])
      ratio(`${m}, ${storage}: Roster ÷ Polis`, find("Roster", storage, m), find("Polis", storage, m), 3);
  }
  for (const m of ["POST /Users", "GET /Users/{id}"])
    ratio(`${m}: Roster on SQLite ÷ Polis in memory`, find("Roster", "sqlite", m), find("Polis", "memory", m), 1);
  ratio(
    "GET /Users/{id} SQLite ÷ bare route with the same JSON",
    find("Roster", "sqlite", "GET /Users/{id}"),
    figures.find((f) => f.server === "bare Fastify"),
    0.3,
  );
}

/** `npm run bench`: every benchmark, on both backends, with its baseline measured in the same run. */
async function main(): Promise<void> {
  const only = process.env.BENCH_DIALECT;
  const part = process.env.BENCH_ONLY; // "scim", "webhooks", "sync", "cloud", "scale-out" or "lists" while iterating; all by default
  const dialects = DIALECTS.filter((d) => !only || d === only);
  if (!part || part === "scim") {
    print(`SCIM benchmark: ${USERS} users, autocannon on loopback, ${process.env.BENCH_SECONDS ?? 5} s per measure`);
    for (const dialect of dialects) table(await runScimBench(dialect, print));
  }
  // Optional (BENCH_POLIS=1 or BENCH_ONLY=polis): installs Ory Polis into .bench-cache/ the first time.
  if (part === "polis" || (!part && process.env.BENCH_POLIS === "1")) {
    print(
      `\nSide by side with Ory Polis ${POLIS_VERSION} (directory sync handler behind node:http, webhooks off), empty directory plus 200 users created through the API, autocannon 10 connections, ${process.env.BENCH_SECONDS ?? 8} s per measure in ${process.env.BENCH_POLIS_ROUNDS ?? 4} windows alternating between the servers (one under load at a time); p50 the median window's, p99 the worst window's`,
    );
    polisTable(await runPolisSideBySide(dialects, print));
  }
  if (!part || part === "webhooks") {
    print(
      `\nWebhook benchmark: a trickle of creates, a burst and a backlog of ${BURST_USERS}, then ${2 * Number(process.env.BENCH_SECONDS ?? 5)} s of SCIM load beside delivery; p50/p99 from the create being sent to the delivery received`,
    );
    for (const dialect of dialects) webhookTable(await runWebhookBench(dialect, print));
  }
  if (!part || part === "scale-out") {
    print(
      `\nScale-out on PostgreSQL: one roster serve process, then two on the same database, ${process.env.BENCH_SECONDS ?? 5} s per measure`,
    );
    print(
      `${"measure".padEnd(28)}${"processes".padStart(10)}${"req/s".padStart(9)}${"p99 ms".padStart(9)}${"errors".padStart(8)}${"vs one".padStart(9)}`,
    );
    const figures = await runScaleOutBench();
    for (const f of figures) {
      const one = figures.find((g) => g.measure === f.measure && g.processes === 1) as (typeof figures)[number];
      print(
        `${f.measure.padEnd(28)}${String(f.processes).padStart(10)}${String(f.requestsPerSecond).padStart(9)}${String(f.p99Ms).padStart(9)}${String(f.errors).padStart(8)}${`${((f.requestsPerSecond / one.requestsPerSecond) * 100).toFixed(0)} %`.padStart(9)}`,
      );
    }
  }
  if (!part || part === "sync") {
    print(
      `\nSync benchmark: ${SYNC_USERS} users, ${SYNC_GROUPS} groups; the engine alone (generated source), then LDAP against a real slapd`,
    );
    for (const dialect of dialects) {
      // BENCH_SYNC_SOURCE=generated|ldap runs only one of them while iterating.
      if (process.env.BENCH_SYNC_SOURCE !== "ldap")
        syncTable(`${dialect} (generated source)`, await runSyntheticSyncBench(dialect));
      if (process.env.BENCH_SYNC_SOURCE !== "generated")
        syncTable(`${dialect} (LDAP)`, await runLdapSyncBench(dialect, print));
    }
  }
  if (!part || part === "cloud") {
    print(
      `\nCloud sync benchmark: Entra ID, Okta and Google Workspace stand-ins, ${CLOUD_USERS} users, ${CLOUD_GROUPS} groups, ${CLOUD_LATENCY_MS} ms per API call; a full run, then a delta run after 1 % changed`,
    );
    for (const dialect of dialects) {
      const figures = await runCloudSyncBench(dialect);
      syncTable(`${dialect} (cloud connectors)`, figures);
      cloudGoals(figures);
    }
  }
  if (!part || part === "lists") {
    print(
      `\nUser lists: GET /directory_users at ${LIST_USERS.toLocaleString("en")} users, a page of 100, by state, search and cursor`,
    );
    for (const dialect of dialects) await runUserListBench(dialect, print);
  }
}

await main();
