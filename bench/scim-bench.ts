import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Dialect } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";
import type { BenchTarget } from "./server-process.js";

export const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SERVER = fileURLToPath(new URL("./server-process.ts", import.meta.url));

export interface BenchRun {
  readonly dialect: Dialect;
  readonly bare: Figure;
  readonly figures: Figure[];
}

/** Starts a seeded Roster in a child process and hands its address to `work`; always stops it. */
export async function withBenchServer<T>(dialect: Dialect, users: number, work: (target: BenchTarget) => Promise<T>): Promise<T> {
  const child = fork(SERVER, [dialect, String(users)], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
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
    return await work(target);
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
  return withBenchServer(dialect, USERS, async (t) => {
    log(`  ${dialect}: seeded ${USERS} users and a ${USERS}-member group in ${t.seedSeconds.toFixed(1)} s`);
    const headers = { authorization: `Bearer ${t.token}`, "content-type": "application/scim+json" };
    const pick = () => t.userIds[Math.floor(Math.random() * t.userIds.length)] ?? "";
    let created = 0;
    let toggle = 0;
    const outsider = await createOutsider(t, headers);
    const bare = await measure({ name: "bare Fastify route", url: t.bareUrl, seconds: SECONDS, next: () => ({ path: "/bare" }) });
    const figures = [
      await measure({ name: "GET /Users/{id}", url: t.url, headers, seconds: SECONDS, next: () => ({ path: `${t.base}/Users/${pick()}` }) }),
      await measure({
        name: "POST /Users",
        url: t.url,
        headers,
        method: "POST",
        seconds: SECONDS,
        next: () => {
          const n = created++;
          return { path: `${t.base}/Users`, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `new-${n}@bench.example`, emails: [{ value: `new-${n}@bench.example`, type: "work", primary: true }] }) };
        },
      }),
      await measure({
        name: `filter userName eq (${USERS} users)`,
        url: t.url,
        headers,
        seconds: SECONDS,
        next: () => ({ path: `${t.base}/Users?filter=${encodeURIComponent(`userName eq "user-${Math.floor(Math.random() * USERS)}@bench.example"`)}` }),
      }),
      await measure({
        name: `PATCH one member (${USERS}-member group)`,
        url: t.url,
        headers,
        method: "PATCH",
        connections: 1,
        seconds: SECONDS,
        next: () => {
          const op = toggle++ % 2 === 0 ? { op: "add", path: "members", value: [{ value: outsider }] } : { op: "remove", path: `members[value eq "${outsider}"]` };
          return { path: `${t.base}/Groups/${t.groupId}`, body: JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], Operations: [op] }) };
        },
      }),
      await measure({
        name: "GET a page of 100 users",
        url: t.url,
        headers,
        seconds: SECONDS,
        next: () => ({ path: `${t.base}/Users?startIndex=${1 + Math.floor((Math.random() * USERS) / 100) * 100}&count=100` }),
      }),
    ];
    return { dialect, bare, figures };
  });
}

async function createOutsider(t: BenchTarget, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${t.url}${t.base}/Users`, { method: "POST", headers, body: JSON.stringify({ userName: "outsider@bench.example" }), signal: AbortSignal.timeout(10_000) });
  return ((await res.json()) as { id: string }).id;
}
