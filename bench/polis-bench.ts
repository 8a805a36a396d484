import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dialect } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";
import { ask, withBenchServer, withServerCpu, withServerProcess } from "./scim-bench.js";
import type { BenchTarget } from "./server-process.js";

/**
 * Roster beside Ory Polis (`@boxyhq/saml-jackson`), the same SCIM requests against each, one server
 * at a time, in one run. Polis is installed by this script into a scratch folder (never a
 * dependency of Roster): `.bench-cache/polis` (gitignored), or `BENCH_POLIS_DIR`.
 */
export const POLIS_VERSION = process.env.BENCH_POLIS_VERSION ?? "26.2.0";
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const POLIS_SERVER = fileURLToPath(new URL("./polis-server-process.ts", import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
/** Users created through the API before the GETs, which pick among them. */
const PRELOAD = 200;

export type Storage = Dialect | "memory";
export interface SideFigure extends Figure {
  readonly server: "Roster" | "Polis" | "bare Fastify";
  readonly storage: Storage | "none";
  /** Server CPU time per answered request, µs. */
  readonly cpuMicros: number;
}

/** Installs Polis (and the SQL drivers its TypeORM loads) into the scratch folder unless that version is there. */
export function ensurePolis(log: (line: string) => void): string {
  const folder = process.env.BENCH_POLIS_DIR ?? join(ROOT, ".bench-cache", "polis");
  const installed = join(folder, "node_modules", "@boxyhq", "saml-jackson", "package.json");
  if (
    existsSync(installed) &&
    (JSON.parse(readFileSync(installed, "utf8")) as { version: string }).version === POLIS_VERSION
  )
    return folder;
  log(`  installing @boxyhq/saml-jackson@${POLIS_VERSION} into ${folder} (a few minutes: it builds better-sqlite3)`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "package.json"),
    `${JSON.stringify({ name: "roster-bench-polis", private: true }, null, 2)}\n`,
  );
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(
    npm,
    ["install", "--no-audit", "--no-fund", `@boxyhq/saml-jackson@${POLIS_VERSION}`, "better-sqlite3@12", "pg@8"],
    { cwd: folder, stdio: "inherit", timeout: 900_000 },
  );
  return folder;
}

const userBody = (n: number) =>
  JSON.stringify({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: `user-${n}@bench.example`,
    name: { givenName: "Bench", familyName: `User ${n}` },
    emails: [{ value: `user-${n}@bench.example`, type: "work", primary: true }],
    active: true,
  });

/** Creates users through the API (so each server stores them its own way) and returns their ids. */
async function preload(t: BenchTarget, headers: Record<string, string>, from: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = from; n < from + PRELOAD; n++) {
    const res = await fetch(`${t.url}${t.base}/Users`, {
      method: "POST",
      headers,
      body: userBody(n),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 201) throw new Error(`preload: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

const perRequest = (requests: number, cpuMicros: number) => Math.round(cpuMicros / Math.max(1, requests));

/** One server under measure: its address, its process (for CPU time) and what its GETs pick from. */
interface Contender {
  readonly server: SideFigure["server"];
  readonly storage: SideFigure["storage"];
  readonly t: BenchTarget;
  readonly child: ChildProcess;
  readonly headers: Record<string, string>;
  readonly ids: string[];
  /** For the bare route: the path it answers on. */
  readonly barePath?: string;
}

async function contender(
  server: "Roster" | "Polis",
  storage: Storage,
  t: BenchTarget,
  child: ChildProcess,
): Promise<Contender> {
  const headers = { authorization: `Bearer ${t.token}`, "content-type": "application/scim+json" };
  return { server, storage, t, child, headers, ids: await preload(t, headers, 0) };
}

/** The bare Fastify route in Roster's bench process, set to answer exactly what a GET of one user answers. */
async function bareBeside(roster: Contender): Promise<Contender> {
  const res = await fetch(`${roster.t.url}${roster.t.base}/Users/${roster.ids[0]}`, {
    headers: roster.headers,
    signal: AbortSignal.timeout(10_000),
  });
  await ask(roster.child, { type: "bare-json", body: await res.json() }, "bare-json-set", () => undefined);
  return {
    ...roster,
    server: "bare Fastify",
    storage: "none",
    t: { ...roster.t, url: roster.t.bareUrl },
    barePath: "/bare-json",
  };
}

const ROUNDS = Number(process.env.BENCH_POLIS_ROUNDS ?? 4);

/**
 * Each measure in `ROUNDS` short windows, alternating between the contenders (only one under load
 * at a time), so a change in the machine's load falls on all of them alike. req/s is over all
 * windows; p50 is the median window's, p99 the worst window's.
 */
async function alternate(contenders: readonly Contender[], log: (line: string) => void): Promise<SideFigure[]> {
  const seconds = Math.max(1, Math.round(SECONDS / ROUNDS));
  let created = PRELOAD;
  const windows = new Map<string, { figure: Figure; cpuMicros: number; seconds: number }[]>();
  const specs = (c: Contender): Parameters<typeof measure>[0][] =>
    c.barePath
      ? [{ name: "GET /Users/{id}", url: c.t.url, seconds, next: () => ({ path: c.barePath as string }) }]
      : [
          {
            name: "GET /Users/{id}",
            url: c.t.url,
            headers: c.headers,
            seconds,
            next: () => ({ path: `${c.t.base}/Users/${c.ids[Math.floor(Math.random() * c.ids.length)]}` }),
          },
          {
            name: "POST /Users",
            url: c.t.url,
            headers: c.headers,
            method: "POST",
            seconds,
            next: () => ({ path: `${c.t.base}/Users`, body: userBody(created++) }),
          },
        ];
  // Unmeasured warm-up: each server's JIT and lazily compiled routes, so no one pays them in a window.
  for (const c of contenders) for (const spec of specs(c)) await measure({ ...spec, seconds: 1 });
  for (let round = 0; round < ROUNDS; round++) {
    log(`    round ${round + 1} of ${ROUNDS}`);
    for (const name of ["GET /Users/{id}", "POST /Users"]) {
      for (const c of contenders) {
        const spec = specs(c).find((x) => x.name === name);
        if (!spec) continue;
        const { figure, cpu } = await withServerCpu(c.child, name, () => measure(spec));
        const key = `${c.server}\u0000${c.storage}\u0000${name}`;
        windows.set(key, [...(windows.get(key) ?? []), { figure, cpuMicros: cpu.cpuMicros, seconds: cpu.seconds }]);
      }
    }
  }
  const figures: SideFigure[] = [];
  for (const [key, list] of windows) {
    const [server, storage, name] = key.split("\u0000") as [SideFigure["server"], SideFigure["storage"], string];
    const requests = list.reduce((a, w) => a + w.figure.requests, 0);
    const p50s = list.map((w) => w.figure.p50Ms).sort((a, b) => a - b);
    figures.push({
      server,
      storage,
      name: server === "bare Fastify" ? "bare route, same JSON" : name,
      requestsPerSecond: Math.round(requests / list.reduce((a, w) => a + w.seconds, 0)),
      p50Ms: p50s[Math.floor(p50s.length / 2)] ?? 0,
      p99Ms: Math.max(...list.map((w) => w.figure.p99Ms)),
      errors: list.reduce((a, w) => a + w.figure.errors, 0),
      requests,
      cpuMicros: perRequest(
        requests,
        list.reduce((a, w) => a + w.cpuMicros, 0),
      ),
    });
  }
  return figures;
}

/**
 * One run. SQLite: Roster, Polis on SQLite, Polis in memory and the bare route, alternating;
 * PostgreSQL: Roster and Polis, alternating. Every server of a block runs while the block is
 * measured, idle when it is not its turn. Ratios are what to read: the machine's load moves req/s.
 */
export async function runPolisSideBySide(
  dialects: readonly Dialect[],
  log: (line: string) => void,
): Promise<SideFigure[]> {
  const folder = ensurePolis(log);
  const figures: SideFigure[] = [];
  for (const dialect of dialects) {
    log(
      `  ${dialect}: Roster${dialect === "sqlite" ? ", Polis on SQLite, Polis in memory and the bare route" : " and Polis"}`,
    );
    figures.push(
      ...(await withBenchServer(dialect, 0, async (rt, rc) =>
        withServerProcess(POLIS_SERVER, [folder, dialect], async (pt, pc) => {
          const roster = await contender("Roster", dialect, rt, rc);
          const polis = await contender("Polis", dialect, pt, pc);
          if (dialect !== "sqlite") return alternate([roster, polis], log);
          const bare = await bareBeside(roster);
          return withServerProcess(POLIS_SERVER, [folder, "memory"], async (mt, mc) =>
            alternate([roster, polis, await contender("Polis", "memory", mt, mc), bare], log),
          );
        }),
      )),
    );
  }
  return figures;
}
