import { type ChildProcess, fork } from "node:child_process";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import type { Dialect } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";
import { USERS } from "./scim-bench.js";
import { type Receipt, wallNow } from "./wall-clock.js";
import type { AttemptStats, ServerUsage, SkippedEvent, WebhookBenchTarget } from "./webhook-server-process.js";

/** Users created in the burst (and again for the backlog): 5,000, or fewer when BENCH_USERS is smaller. */
export const BURST_USERS = Math.min(5_000, USERS);
/** The SCIM load beside the deliveries runs twice the per-measure time: 10 s by default. */
const LOAD_SECONDS = 2 * Number(process.env.BENCH_SECONDS ?? 5);
/** Creates in flight during the burst, like autocannon's 10 connections. */
const CREATE_CONCURRENCY = 10;
/** The trickle: this many creates, one at a time, this far apart. */
const TRICKLE_USERS = 50;
const TRICKLE_GAP_MS = 100;
/** A wait for deliveries ends when none arrived for this long, or at the cap. */
const STALL_MS = 15_000;
const WAIT_CAP_MS = 10 * 60_000;
/** Endpoints the backlog fans out to (BENCH_WEBHOOK_ENDPOINTS, default 1): the worker sends to up to 8 at once. */
const BACKLOG_ENDPOINTS = Math.max(1, Number(process.env.BENCH_WEBHOOK_ENDPOINTS ?? 1));

const SERVER = fileURLToPath(new URL("./webhook-server-process.ts", import.meta.url));
const RECEIVER = fileURLToPath(new URL("./webhook-receiver.ts", import.meta.url));

export interface WebhookFigure {
  readonly phase: string;
  /** Distinct events delivered in the phase (within its window, for the load phase). */
  readonly delivered: number;
  readonly eventsPerSecond: number;
  /** Change requested (the marker in userName) to delivery received; null where it means nothing. */
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** The same from the event's own `created_at` (ms resolution). */
  readonly fromCreatedP50Ms: number | null;
  readonly fromCreatedP99Ms: number | null;
  readonly duplicates: number;
  /** Events of the phase still not delivered when the bounded wait ended. */
  readonly missing: number;
  readonly server: ServerUsage;
  /** The whole machine's CPU use over the phase (every process: load generator, server, receiver, database). */
  readonly machineBusy: number;
  readonly note: string;
}

export interface WebhookRun {
  readonly dialect: Dialect;
  readonly figures: WebhookFigure[];
  /** The SCIM load that ran beside the load phase. */
  readonly beside: Figure[];
  readonly attempts: AttemptStats;
  /** Events that never got a delivery (the worker's cursor passed them): should be none. */
  readonly skipped: SkippedEvent[];
}

/** Busy and total CPU time of all cores since boot, to take the machine's load over a phase. */
function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** A forked bench process that answers numbered IPC questions. */
class BenchChild {
  private readonly child: ChildProcess;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  readonly ready: Promise<Record<string, unknown>>;

  constructor(file: string, args: string[]) {
    this.child = fork(file, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file} did not start in 2 minutes`)), 120_000);
      this.child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${file} exited with ${code}`));
        for (const w of this.waiting.values()) w.reject(new Error(`${file} exited with ${code}`));
      });
      this.child.on("message", (m: Record<string, unknown>) => {
        if (m.type === "ready") {
          clearTimeout(timer);
          resolve(m);
        } else if (typeof m.id === "number") {
          const w = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          if (m.type === "error") w?.reject(new Error(String(m.error)));
          else w?.resolve(m);
        }
      });
    });
    // Awaited by the caller; this only keeps a failure after another child's from going unhandled.
    this.ready.catch(() => undefined);
  }

  ask<T>(type: string, field: string, extra: Record<string, unknown> = {}, timeoutMs = 60_000): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`no answer to ${type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m[field] as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ ...extra, type, id });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.send({ type: "stop" });
    const kill = setTimeout(() => this.child.kill("SIGKILL"), 30_000);
    await exited;
    clearTimeout(kill);
  }
}

/** Everything the receiver got, with the first receipt of each event at each endpoint kept apart from repeats. */
class Receipts {
  readonly first = new Map<string, Receipt>();
  readonly all: Receipt[] = [];
  constructor(private readonly receiver: BenchChild) {}

  async pull(): Promise<void> {
    for (const r of await this.receiver.ask<Receipt[]>("take", "receipts")) {
      this.all.push(r);
      const key = `${r.path} ${r.id}`;
      if (!this.first.has(key)) this.first.set(key, r);
    }
  }

  /** Polls until `done` holds, no receipt came for STALL_MS, or WAIT_CAP_MS passed. */
  async waitUntil(done: () => boolean): Promise<boolean> {
    const started = Date.now();
    let lastCount = this.all.length;
    let lastChange = Date.now();
    for (;;) {
      await this.pull();
      if (done()) return true;
      if (this.all.length !== lastCount) {
        lastCount = this.all.length;
        lastChange = Date.now();
      }
      if (Date.now() - lastChange > STALL_MS || Date.now() - started > WAIT_CAP_MS) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** First receipts of `dsync.user.created` events whose userName starts with `prefix-`. */
  created(prefix: string): Receipt[] {
    return [...this.first.values()].filter(
      (r) => r.event === "dsync.user.created" && r.username.startsWith(`${prefix}-`),
    );
  }

  duplicates(prefix: string): number {
    return (
      this.all.filter((r) => r.event === "dsync.user.created" && r.username.startsWith(`${prefix}-`)).length -
      this.created(prefix).length
    );
  }
}

/** A userName carrying when its create was sent: `<prefix>-<n>-<wall ms>@bench.example`. */
const markedUserName = (prefix: string, n: number) => `${prefix}-${n}-${wallNow().toFixed(1)}@bench.example`;
const markOf = (username: string) => Number(/^[a-z]+-\d+-(\d+(?:\.\d+)?)@/.exec(username)?.[1] ?? Number.NaN);

function percentiles(values: number[]): { p50: number | null; p99: number | null } {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: null, p99: null };
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0);
  return { p50: at(0.5), p99: at(0.99) };
}

function latencies(receipts: readonly Receipt[]) {
  const fromMark = percentiles(receipts.map((r) => r.at - markOf(r.username)));
  const fromCreated = percentiles(receipts.map((r) => r.at - r.createdAt));
  return {
    p50Ms: fromMark.p50,
    p99Ms: fromMark.p99,
    fromCreatedP50Ms: fromCreated.p50,
    fromCreatedP99Ms: fromCreated.p99,
  };
}

async function api(
  target: WebhookBenchTarget,
  method: string,
  path: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${target.adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const json = (res.status === 204 ? {} : await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates `count` users through SCIM POST, CREATE_CONCURRENCY at a time, numbered from `first`: their ids. */
async function createUsers(target: WebhookBenchTarget, prefix: string, count: number, first = 0): Promise<string[]> {
  const ids: string[] = [];
  let next = first;
  const end = first + count;
  const headers = { authorization: `Bearer ${target.token}`, "content-type": "application/scim+json" };
  async function lane(): Promise<void> {
    while (next < end) {
      const n = next++;
      const userName = markedUserName(prefix, n);
      const res = await fetch(`${target.url}${target.base}/Users`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName,
          emails: [{ value: `${prefix}-${n}@bench.example`, type: "work", primary: true }],
        }),
        signal: AbortSignal.timeout(10_000),
      }).catch(() => null);
      if (res?.status === 201) ids.push(((await res.json()) as { id: string }).id);
      else await res?.body?.cancel();
    }
  }
  await Promise.all(Array.from({ length: Math.min(count, CREATE_CONCURRENCY) }, lane));
  return ids;
}

/**
 * The webhook benchmark on one backend: `roster serve` (app + delivery worker) in one process,
 * a receiver in another, one endpoint for every event type, and four phases: a trickle of
 * creates, a burst of creates, a backlog drained after re-enabling the endpoint, and delivery
 * while SCIM load runs.
 */
export async function runWebhookBench(dialect: Dialect, log: (line: string) => void): Promise<WebhookRun> {
  const receiver = new BenchChild(RECEIVER, []);
  const server = new BenchChild(SERVER, [dialect]);
  try {
    const [receiverReady, serverReady] = await Promise.all([receiver.ready, server.ready]);
    const target = serverReady.target as WebhookBenchTarget;
    const receipts = new Receipts(receiver);
    const endpoint = await api(target, "POST", "/webhook_endpoints", { url: receiverReady.url });
    const endpointId = String(endpoint.id);
    const figures: WebhookFigure[] = [];
    // Server CPU and event-loop use over a phase (and its CPU profile with BENCH_CPU_PROF).
    let machineMark = cpuTimes();
    const begin = async (phase: string) => {
      await server.ask("profile-start", "done", { phase });
      await server.ask<ServerUsage>("usage", "usage");
      machineMark = cpuTimes();
    };
    const end = async (phase: string) => {
      const usage = await server.ask<ServerUsage>("usage", "usage");
      const now = cpuTimes();
      const machineBusy = (now.busy - machineMark.busy) / (now.total - machineMark.total);
      await server.ask("profile-stop", "done", { phase });
      return { usage, machineBusy };
    };

    // 1. Trickle: one create every 100 ms, which the worker keeps up with: the latency floor (its 250 ms poll).
    await begin("trickle");
    const trickleStart = wallNow();
    let trickled = 0;
    for (let n = 0; n < TRICKLE_USERS; n++) {
      trickled += (await createUsers(target, "trickle", 1, n)).length;
      await new Promise((resolve) => setTimeout(resolve, TRICKLE_GAP_MS));
    }
    await receipts.waitUntil(() => receipts.created("trickle").length >= trickled);
    const trickleUsage = await end("trickle");
    const trickle = receipts.created("trickle");
    figures.push({
      phase: `trickle: ${trickled} creates, 1/${TRICKLE_GAP_MS} ms`,
      delivered: trickle.length,
      eventsPerSecond: Math.round(trickle.length / (((trickle.at(-1)?.at ?? wallNow()) - trickleStart) / 1000)),
      ...latencies(trickle),
      duplicates: receipts.duplicates("trickle"),
      missing: trickled - trickle.length,
      server: trickleUsage.usage,
      machineBusy: trickleUsage.machineBusy,
      note: "one create at a time, 100 ms apart: delivery keeps up, so latency is the worker's own",
    });

    // 2. Burst: creates as fast as 10 clients go; delivery runs beside them.
    await begin("burst");
    const burstStart = wallNow();
    const userIds = await createUsers(target, "burst", BURST_USERS);
    const createSeconds = (wallNow() - burstStart) / 1000;
    await receipts.waitUntil(() => receipts.created("burst").length >= userIds.length);
    const burstUsage = await end("burst");
    const burst = receipts.created("burst");
    const burstSeconds = ((burst.at(-1)?.at ?? wallNow()) - burstStart) / 1000;
    figures.push({
      phase: `burst: ${userIds.length} creates`,
      delivered: burst.length,
      eventsPerSecond: Math.round(burst.length / burstSeconds),
      ...latencies(burst),
      duplicates: receipts.duplicates("burst"),
      missing: userIds.length - burst.length,
      server: burstUsage.usage,
      machineBusy: burstUsage.machineBusy,
      note: `created in ${createSeconds.toFixed(1)} s (${Math.round(userIds.length / createSeconds)}/s); all delivered ${burstSeconds.toFixed(1)} s after the first create`,
    });
    log(`  ${dialect}: burst done`);

    // 3. Backlog: the endpoint disabled while as many users are created, then enabled: pure delivery throughput.
    const extra: string[] = [];
    for (let k = 2; k <= BACKLOG_ENDPOINTS; k++)
      extra.push(String((await api(target, "POST", "/webhook_endpoints", { url: `${receiverReady.url}/${k}` })).id));
    for (const id of [endpointId, ...extra]) await api(target, "PATCH", `/webhook_endpoints/${id}`, { enabled: false });
    const backlogIds = await createUsers(target, "backlog", BURST_USERS);
    const backlogDeliveries = backlogIds.length * BACKLOG_ENDPOINTS;
    await begin("backlog");
    const enabledAt = wallNow();
    for (const id of [endpointId, ...extra]) await api(target, "PATCH", `/webhook_endpoints/${id}`, { enabled: true });
    await receipts.waitUntil(() => receipts.created("backlog").length >= backlogDeliveries);
    const backlogUsage = await end("backlog");
    const backlog = receipts.created("backlog");
    const drainSeconds = ((backlog.at(-1)?.at ?? wallNow()) - enabledAt) / 1000;
    figures.push({
      phase: `backlog: ${backlogIds.length} events${BACKLOG_ENDPOINTS > 1 ? ` × ${BACKLOG_ENDPOINTS} endpoints` : ""}`,
      delivered: backlog.length,
      eventsPerSecond: Math.round(backlog.length / drainSeconds),
      p50Ms: null,
      p99Ms: null,
      fromCreatedP50Ms: null,
      fromCreatedP99Ms: null,
      duplicates: receipts.duplicates("backlog"),
      missing: backlogDeliveries - backlog.length,
      server: backlogUsage.usage,
      machineBusy: backlogUsage.machineBusy,
      note: `drained ${drainSeconds.toFixed(1)} s after re-enabling (no SCIM traffic); per delivery the server spent ${((backlogUsage.usage.cpu * backlogUsage.usage.seconds * 1000) / Math.max(1, backlog.length)).toFixed(2)} ms of CPU and ran ${(backlogUsage.usage.statements / Math.max(1, backlog.length)).toFixed(1)} SQL statements`,
    });
    for (const id of extra) await api(target, "DELETE", `/webhook_endpoints/${id}`, undefined);
    log(`  ${dialect}: backlog done`);

    // 4. Under load: GET by id and POST /Users (5 connections each) beside the deliveries.
    const before = await server.ask<number>("events", "count");
    const headers = { authorization: `Bearer ${target.token}`, "content-type": "application/scim+json" };
    const pick = () => userIds[Math.floor(Math.random() * userIds.length)] ?? "none";
    let created = 0;
    await begin("load");
    const windowStart = wallNow();
    const beside = await Promise.all([
      measure({
        name: "GET /Users/{id} (beside)",
        url: target.url,
        headers,
        connections: 5,
        seconds: LOAD_SECONDS,
        next: () => ({ path: `${target.base}/Users/${pick()}` }),
      }),
      measure({
        name: "POST /Users (beside)",
        url: target.url,
        headers,
        method: "POST",
        connections: 5,
        seconds: LOAD_SECONDS,
        next: () => {
          const n = created++;
          return {
            path: `${target.base}/Users`,
            body: JSON.stringify({
              schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
              userName: markedUserName("load", n),
              emails: [{ value: `load-${n}@bench.example`, type: "work", primary: true }],
            }),
          };
        },
      }),
    ]);
    const windowEnd = wallNow();
    const loadUsage = await end("load");
    // Creates still in flight when autocannon stopped finish after it: count once they are in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const expected = (await server.ask<number>("events", "count")) - before;
    await receipts.pull();
    const inWindow = [...receipts.first.values()].filter((r) => r.at >= windowStart && r.at <= windowEnd).length;
    await receipts.waitUntil(() => receipts.created("load").length >= expected);
    const load = receipts.created("load");
    const windowSeconds = (windowEnd - windowStart) / 1000;
    const lastAt = load.at(-1)?.at ?? windowEnd;
    figures.push({
      phase: `under SCIM load, ${LOAD_SECONDS} s`,
      delivered: inWindow,
      eventsPerSecond: Math.round(inWindow / windowSeconds),
      ...latencies(load),
      duplicates: receipts.duplicates("load"),
      missing: expected - load.length,
      server: loadUsage.usage,
      machineBusy: loadUsage.machineBusy,
      note: `${expected} events created in the window (${Math.round(expected / windowSeconds)}/s); the last delivered ${((lastAt - windowEnd) / 1000).toFixed(1)} s after it`,
    });
    const attempts = await server.ask<AttemptStats>("attempts", "stats");
    const skipped = await server.ask<SkippedEvent[]>("skipped", "events");
    return { dialect, figures, beside, attempts, skipped };
  } finally {
    await Promise.allSettled([server.stop(), receiver.stop()]);
  }
}
