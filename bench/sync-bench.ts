import { fork } from "node:child_process";
import type { Dialect } from "../test/support/databases.js";
import { compiledBenchFile } from "./compiled.js";
import type { SyncBenchTarget } from "./sync-server-process.js";

/** SCIM GETs per second sent to the same server while a sync runs. */
export const PROBE_RATE = 50;

export interface SyncFigure {
  readonly name: string;
  readonly seconds: number;
  readonly counts: Record<string, number>;
  readonly groupCounts: Record<string, number>;
  readonly peakRssMb: number;
  readonly probes: {
    readonly count: number;
    readonly p50Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
    readonly errors: number;
  };
  readonly state: string;
}

export interface SyncBenchServer {
  readonly target: SyncBenchTarget;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }>;
  /** Runs a sync to its end while probing SCIM GETs; returns its figures. */
  measureRun(name: string, directoryId: string, body: Record<string, unknown>): Promise<SyncFigure>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** Starts the sync bench server in a child process and hands it to `work`; always stops it. */
export async function withSyncBenchServer<T>(
  dialect: Dialect,
  work: (server: SyncBenchServer) => Promise<T>,
): Promise<T> {
  // Compiled and on plain node, so its peak RSS is what a production process would show.
  const child = fork(compiledBenchFile("bench/sync-server-process.ts"), [dialect], {
    execArgv: ["--expose-gc", ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(" ") : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ask = (type: string) =>
    new Promise<number>((resolve) => {
      const onMessage = (m: { type?: string; peakRss?: number }) => {
        if (m.type === "rss") {
          child.off("message", onMessage);
          resolve(m.peakRss ?? 0);
        }
      };
      child.on("message", onMessage);
      child.send({ type });
    });
  try {
    const target = await new Promise<SyncBenchTarget>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("sync bench server did not start in 5 minutes")), 300_000);
      child.once("exit", (code) => reject(new Error(`sync bench server exited with ${code}`)));
      child.on("message", (m: { type?: string; target?: SyncBenchTarget }) => {
        if (m.type === "ready" && m.target) {
          clearTimeout(timer);
          resolve(m.target);
        }
      });
    });
    async function request(method: string, path: string, body?: unknown) {
      const res = await fetch(`${target.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${target.adminKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      return { status: res.status, json: (await res.json()) as Record<string, unknown> };
    }

    async function measureRun(name: string, directoryId: string, body: Record<string, unknown>): Promise<SyncFigure> {
      await ask("reset-rss");
      const latencies: number[] = [];
      let errors = 0;
      let probing = true;
      let k = 0;
      const inFlight = new Set<Promise<void>>();
      const probe = async () => {
        const id = target.probeUserIds[k++ % target.probeUserIds.length];
        const started = performance.now();
        try {
          const res = await fetch(`${target.url}${target.scimBase}/Users/${id}`, {
            headers: { authorization: `Bearer ${target.scimToken}` },
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
        } catch {
          errors++;
        }
        latencies.push(performance.now() - started);
      };
      // Open loop: a probe every 1/PROBE_RATE s whatever the answers take, so a stall shows in the latencies.
      const probes = setInterval(() => {
        if (!probing) return;
        const p = probe().finally(() => inFlight.delete(p));
        inFlight.add(p);
      }, 1000 / PROBE_RATE);

      const started = performance.now();
      const startRes = await request("POST", `/directories/${directoryId}/sync`, body);
      if (startRes.status !== 202) throw new Error(`sync did not start: ${JSON.stringify(startRes.json)}`);
      let run = startRes.json;
      const deadline = Date.now() + 15 * 60_000;
      // The run's phases as the polls saw them (a planning pass, then the applying one): where its time went.
      const phases: string[] = [];
      let phase = "";
      while (run.state === "running") {
        if (Date.now() > deadline) throw new Error("sync did not finish in 15 minutes");
        await new Promise((resolve) => setTimeout(resolve, 200));
        run = (await request("GET", `/directories/${directoryId}/sync`)).json;
        if (run.phase !== phase) {
          phase = String(run.phase);
          phases.push(`${phase} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
      }
      if (process.env.BENCH_MEMORY_DETAIL) process.stderr.write(`  ${name}: ${phases.join(", ")}\n`);
      const seconds = (performance.now() - started) / 1000;
      probing = false;
      clearInterval(probes);
      await Promise.all(inFlight);
      const peakRss = await ask("rss");
      const sorted = [...latencies].sort((a, b) => a - b);
      const round = (v: number) => Math.round(v * 10) / 10;
      return {
        name,
        seconds: round(seconds),
        counts: run.counts as Record<string, number>,
        groupCounts: run.group_counts as Record<string, number>,
        peakRssMb: Math.round(peakRss / 1024 / 1024),
        probes: {
          count: sorted.length,
          p50Ms: round(percentile(sorted, 50)),
          p99Ms: round(percentile(sorted, 99)),
          maxMs: round(sorted.at(-1) ?? 0),
          errors,
        },
        state: String(run.state),
      };
    }
    return await work({ target, request, measureRun });
  } finally {
    child.send({ type: "stop" });
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(undefined);
      }, 30_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }
}

export const SYNC_USERS = Number(process.env.BENCH_SYNC_USERS ?? 100_000);
export const SYNC_GROUPS = Number(process.env.BENCH_SYNC_GROUPS ?? 1_000);

/** The sync engine alone: a generated source (no I/O), full run then a delta run after 1 % changed. */
export async function runSyntheticSyncBench(dialect: Dialect): Promise<SyncFigure[]> {
  return withSyncBenchServer(dialect, async (server) => {
    const config = { users: SYNC_USERS, groups: SYNC_GROUPS, max_removal_percent: 100 };
    const created = await server.request("POST", "/directories", {
      organization_id: server.target.organizationId,
      name: "Generated",
      type: "csv",
      connector: config,
    });
    if (created.status !== 201) throw new Error(`directory create failed: ${JSON.stringify(created.json)}`);
    const dirId = String(created.json.id);
    const full = await server.measureRun(`full: ${SYNC_USERS} users, ${SYNC_GROUPS} groups`, dirId, {});
    await server.request("PATCH", `/directories/${dirId}`, { connector: { revision: 1, changed_every: 100 } });
    const delta = await server.measureRun("delta: 1 % of users changed", dirId, { mode: "delta" });
    return [full, delta];
  });
}

/**
 * Against a real slapd on loopback: a full sync of SYNC_USERS users and SYNC_GROUPS groups
 * (200 members each, a third posixGroup, every 10th nesting its neighbour), then a delta run
 * after 1 % of the users changed (their title, through LDAP modify).
 */
export async function runLdapSyncBench(dialect: Dialect, print: (line: string) => void): Promise<SyncFigure[]> {
  const { startSlapd, slapdConnector } = await import("../test/support/slapd.js");
  const { userDn } = await import("../test/support/directory-ldif.js");
  const { Attribute, Change } = await import("ldapts");
  const loadStarted = performance.now();
  const slapd = await startSlapd({
    directory: { users: SYNC_USERS, groups: SYNC_GROUPS, membersPerGroup: 200, nestEvery: 10 },
  });
  print(`  slapd loaded with ${SYNC_USERS} users in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  try {
    return await withSyncBenchServer(dialect, async (server) => {
      const connector = {
        ...slapdConnector(slapd, {
          timeout_ms: 60_000,
          ...(process.env.BENCH_LDAP_PAGE ? { page_size: Number(process.env.BENCH_LDAP_PAGE) } : {}),
        }),
        max_removal_percent: 100,
      };
      const created = await server.request("POST", "/directories", {
        organization_id: server.target.organizationId,
        name: "LDAP",
        type: "ldap",
        connector,
      });
      if (created.status !== 201) throw new Error(`directory create failed: ${JSON.stringify(created.json)}`);
      const dirId = String(created.json.id);
      const full = await server.measureRun(`LDAP full: ${SYNC_USERS} users, ${SYNC_GROUPS} groups`, dirId, {});
      // modifyTimestamp has one-second resolution: change after the watermark's second has passed.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const admin = await slapd.admin();
      try {
        const changed = Math.max(1, Math.floor(SYNC_USERS / 100));
        for (let i = 0; i < changed; i++) {
          await admin.modify(
            userDn(i * 100),
            new Change({ operation: "replace", modification: new Attribute({ type: "title", values: ["Changed"] }) }),
          );
        }
      } finally {
        await admin.unbind();
      }
      const delta = await server.measureRun("LDAP delta: 1 % of users changed", dirId, { mode: "delta" });
      return [full, delta];
    });
  } finally {
    await slapd.stop();
  }
}
