import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Dialect } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";
import type { BenchTarget, ServerCpu } from "./server-process.js";

export const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SERVER = fileURLToPath(new URL("./server-process.ts", import.meta.url));

export interface BenchRun {
  readonly dialect: Dialect;
  readonly bare: Figure;
  readonly figures: Figure[];
}

/** Asks the server process for one reply of `type` to `message`. */
export function ask<T>(
  child: ChildProcess,
  message: object,
  type: string,
  pick: (m: Record<string, unknown>) => T,
): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: Record<string, unknown>) => {
      if (m.type !== type) return;
      child.off("message", listener);
      resolve(pick(m));
    };
    child.on("message", listener);
    child.send(message);
  });
}

/**
 * Runs a measure and reads the server process's CPU time over it. CPU time per request is what
 * to compare between runs: the machine is shared, so req/s moves with everyone else's load.
 */
export async function withServerCpu(
  child: ChildProcess,
  name: string,
  run: () => Promise<Figure>,
): Promise<{ figure: Figure; cpu: ServerCpu }> {
  await ask(child, { type: "begin" }, "begun", () => undefined);
  const figure = await run();
  const cpu = await ask(child, { type: "end", measure: name }, "cpu", (m) => m.cpu as ServerCpu);
  return { figure, cpu };
}

const perRequest = (f: Figure, cpu: ServerCpu) => cpu.cpuMicros / Math.max(1, f.requests);

/** Starts a seeded Roster in a child process and hands its address to `work`; always stops it. */
export function withBenchServer<T>(
  dialect: Dialect,
  users: number,
  work: (target: BenchTarget, child: ChildProcess) => Promise<T>,
): Promise<T> {
  return withServerProcess(SERVER, [dialect, String(users)], work);
}

/** Forks a bench server script (which answers `ready`, `begin`/`end` and `stop`), hands its target to `work`; always stops it. */
export async function withServerProcess<T>(
  script: string,
  args: string[],
  work: (target: BenchTarget, child: ChildProcess) => Promise<T>,
): Promise<T> {
  const child = fork(script, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const target = await new Promise<BenchTarget>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("bench server did not start in 10 minutes")), 600_000);
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
      child.on("message", (m: { type?: string; target?: BenchTarget }) => {
        if (m.type === "ready" && m.target) {
          clearTimeout(timer);
          resolve(m.target);
        }
      });
    });
    return await work(target, child);
  } finally {
    child.send({ type: "stop" });
    await new Promise((resolve) => {
      const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.once("exit", () => resolve(clearTimeout(kill)));
    });
  }
}

/** The SCIM benchmark on one backend: each figure next to a bare Fastify route measured in the same run. */
export async function runScimBench(dialect: Dialect, log: (line: string) => void): Promise<BenchRun> {
  return withBenchServer(dialect, USERS, async (t, child) => {
    log(`  ${dialect}: seeded ${USERS} users and a ${USERS}-member group in ${t.seedSeconds.toFixed(1)} s`);
    const headers = { authorization: `Bearer ${t.token}`, "content-type": "application/scim+json" };
    const pick = () => t.userIds[Math.floor(Math.random() * t.userIds.length)] ?? "";
    let created = 0;
    let toggle = 0;
    const outsider = await createOutsider(t, headers);
    const cpu = new Map<string, ServerCpu>();
    const timed = async (spec: Parameters<typeof measure>[0]) => {
      // An unmeasured second first: the route's lazily compiled schemas and the JIT's warm-up.
      await measure({ ...spec, seconds: 1 });
      const { figure, cpu: used } = await withServerCpu(child, spec.name, () => measure(spec));
      cpu.set(figure.name, used);
      return figure;
    };
    const bare = await timed({
      name: "bare Fastify route",
      url: t.bareUrl,
      seconds: SECONDS,
      next: () => ({ path: "/bare" }),
    });
    // BENCH_MEASURES=get,post,… runs only those (the bare route always runs).
    const only = process.env.BENCH_MEASURES?.split(",");
    const specs: [key: string, spec: Parameters<typeof measure>[0]][] = [
      [
        "get",
        {
          name: "GET /Users/{id}",
          url: t.url,
          headers,
          seconds: SECONDS,
          next: () => ({ path: `${t.base}/Users/${pick()}` }),
        },
      ],
      [
        "post",
        {
          name: "POST /Users",
          url: t.url,
          headers,
          method: "POST",
          seconds: SECONDS,
          next: () => {
            const n = created++;
            return {
              path: `${t.base}/Users`,
              body: JSON.stringify({
                schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
                userName: `new-${n}@bench.example`,
                emails: [{ value: `new-${n}@bench.example`, type: "work", primary: true }],
              }),
            };
          },
        },
      ],
      [
        "filter",
        {
          name: `filter userName eq (${USERS} users)`,
          url: t.url,
          headers,
          seconds: SECONDS,
          next: () => ({
            path: `${t.base}/Users?filter=${encodeURIComponent(`userName eq "user-${Math.floor(Math.random() * USERS)}@bench.example"`)}`,
          }),
        },
      ],
      [
        "patch",
        {
          name: `PATCH one member (${USERS}-member group)`,
          url: t.url,
          headers,
          method: "PATCH",
          connections: 1,
          seconds: SECONDS,
          next: () => {
            const op =
              toggle++ % 2 === 0
                ? { op: "add", path: "members", value: [{ value: outsider }] }
                : { op: "remove", path: `members[value eq "${outsider}"]` };
            return {
              path: `${t.base}/Groups/${t.groupId}`,
              body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [op] }),
            };
          },
        },
      ],
      [
        "page",
        {
          name: "GET a page of 100 users",
          url: t.url,
          headers,
          seconds: SECONDS,
          next: () => ({
            path: `${t.base}/Users?startIndex=${1 + Math.floor((Math.random() * USERS) / 100) * 100}&count=100`,
          }),
        },
      ],
    ];
    const figures: Figure[] = [];
    for (const [key, spec] of specs) if (!only || only.includes(key)) figures.push(await timed(spec));
    const bareCpu = perRequest(bare, cpu.get(bare.name) as ServerCpu);
    log(`  ${dialect}: server CPU per request (compare these between runs; req/s depends on the machine's load)`);
    for (const f of [bare, ...figures]) {
      const used = cpu.get(f.name) as ServerCpu;
      const micros = perRequest(f, used);
      log(
        `    ${f.name.padEnd(42)}${`${Math.round(micros)} µs`.padStart(12)}${`${(micros / bareCpu).toFixed(1)}× bare`.padStart(12)}${`${Math.round(used.cpuMicros / 1e4 / used.seconds)} % CPU`.padStart(10)}`,
      );
    }
    return { dialect, bare, figures };
  });
}

async function createOutsider(t: BenchTarget, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${t.url}${t.base}/Users`, {
    method: "POST",
    headers,
    body: JSON.stringify({ userName: "outsider@bench.example" }),
    signal: AbortSignal.timeout(10_000),
  });
  return ((await res.json()) as { id: string }).id;
}
