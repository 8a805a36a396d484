import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Dialect } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";
import { ask, withBenchServer, withServerCpu, withServerProcess } from "./scim-bench.js";
import type { BenchTarget, ServerCpu } from "./server-process.js";

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
  if (existsSync(installed) && (JSON.parse(readFileSync(installed, "utf8")) as { version: string }).version === POLIS_VERSION) return folder;
  log(`  installing @boxyhq/saml-jackson@${POLIS_VERSION} into ${folder} (a few minutes: it builds better-sqlite3)`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "package.json"), `${JSON.stringify({ name: "roster-bench-polis", private: true }, null, 2)}\n`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  execFileSync(npm, ["install", "--no-audit", "--no-fund", `@boxyhq/saml-jackson@${POLIS_VERSION}`, "better-sqlite3@12", "pg@8"], { cwd: folder, stdio: "inherit", timeout: 900_000 });
  return folder;
}

const userBody = (n: number) => JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName: `user-${n}@bench.example`, name: { givenName: "Bench", familyName: `User ${n}` }, emails: [{ value: `user-${n}@bench.example`, type: "work", primary: true }], active: true });

/** Creates users through the API (so each server stores them its own way) and returns their ids. */
async function preload(t: BenchTarget, headers: Record<string, string>, from: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = from; n < from + PRELOAD; n++) {
    const res = await fetch(`${t.url}${t.base}/Users`, { method: "POST", headers, body: userBody(n), signal: AbortSignal.timeout(10_000) });
    if (res.status !== 201) throw new Error(`preload: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

/** GET /Users/{id} then POST /Users against one server; figures with the server's CPU per request. */
async function getAndPost(server: SideFigure["server"], storage: Storage, t: BenchTarget, child: ChildProcess): Promise<{ figures: SideFigure[]; ids: string[]; headers: Record<string, string> }> {
  const headers = { authorization: `Bearer ${t.token}`, "content-type": "application/scim+json" };
  const ids = await preload(t, headers, 0);
  let created = PRELOAD;
  const figures: SideFigure[] = [];
  const run = async (spec: Parameters<typeof measure>[0]) => {
    const { figure, cpu } = await withServerCpu(child, spec.name, () => measure(spec));
    figures.push({ ...figure, server, storage, cpuMicros: perRequest(figure, cpu) });
  };
  await run({ name: "GET /Users/{id}", url: t.url, headers, seconds: SECONDS, next: () => ({ path: `${t.base}/Users/${ids[Math.floor(Math.random() * ids.length)]}` }) });
  await run({ name: "POST /Users", url: t.url, headers, method: "POST", seconds: SECONDS, next: () => ({ path: `${t.base}/Users`, body: userBody(created++) }) });
  return { figures, ids, headers };
}

const perRequest = (f: Figure, cpu: ServerCpu) => Math.round(cpu.cpuMicros / Math.max(1, f.requests));

function roster(dialect: Dialect): Promise<SideFigure[]> {
  return withBenchServer(dialect, 0, async (t, child) => {
    const { figures, ids, headers } = await getAndPost("Roster", dialect, t, child);
    // The bare route answers exactly what a GET of one user answers, parsed and serialized again as a route's object.
    const res = await fetch(`${t.url}${t.base}/Users/${ids[0]}`, { headers, signal: AbortSignal.timeout(10_000) });
    await ask(child, { type: "bare-json", body: await res.json() }, "bare-json-set", () => undefined);
    const { figure, cpu } = await withServerCpu(child, "bare", () => measure({ name: "bare route, same JSON", url: t.bareUrl, seconds: SECONDS, next: () => ({ path: "/bare-json" }) }));
    return [...figures, { ...figure, server: "bare Fastify", storage: "none", cpuMicros: perRequest(figure, cpu) }];
  });
}

function polis(folder: string, storage: Storage): Promise<SideFigure[]> {
  return withServerProcess(POLIS_SERVER, [folder, storage], async (t, child) => (await getAndPost("Polis", storage, t, child)).figures);
}

/**
 * One run: per storage, Roster then Polis, each alone on the machine while measured, then Polis
 * in memory and the bare route. Ratios are what to read: the machine's load moves req/s.
 */
export async function runPolisSideBySide(dialects: readonly Dialect[], log: (line: string) => void): Promise<SideFigure[]> {
  const folder = ensurePolis(log);
  const figures: SideFigure[] = [];
  for (const dialect of dialects) {
    log(`  ${dialect}: Roster`);
    figures.push(...(await roster(dialect)));
    log(`  ${dialect}: Polis`);
    figures.push(...(await polis(folder, dialect)));
  }
  log("  memory: Polis");
  figures.push(...(await polis(folder, "memory")));
  return figures;
}
