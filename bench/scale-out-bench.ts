// How far one PostgreSQL primary goes: SCIM creates and GETs through one `roster serve` process,
// then the same load split over two processes on the same database, measured in one run.
import {
  PROCESS_ADMIN_KEY,
  processEnv,
  type ServerProcess,
  startServerProcess,
} from "../test/support/server-process.js";
import { createTestDatabase } from "../test/support/databases.js";
import { type Figure, measure } from "./measure.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

export interface ScaleOutFigure {
  readonly measure: string;
  readonly processes: number;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly errors: number;
}

async function post(server: ServerProcess, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${PROCESS_ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return res.json();
}

let serial = 0;

/** Creates through every process at once (10 connections each); the figures summed. */
async function creates(servers: readonly ServerProcess[], directory: { id: string; token: string }): Promise<Figure[]> {
  return Promise.all(
    servers.map((server, i) =>
      measure({
        name: `creates via process ${i + 1}`,
        url: server.url,
        method: "POST",
        seconds: SECONDS,
        headers: { authorization: `Bearer ${directory.token}`, "content-type": "application/scim+json" },
        next: () => {
          const userName = `u${process.pid}-${serial++}@scale.bench`;
          return {
            path: `/scim/v2/${directory.id}/Users`,
            body: JSON.stringify({ schemas: [USER], userName, emails: [{ value: userName, primary: true }] }),
          };
        },
      }),
    ),
  );
}

/** Lists of one page through every process at once. */
async function reads(servers: readonly ServerProcess[], directory: { id: string; token: string }): Promise<Figure[]> {
  return Promise.all(
    servers.map((server, i) =>
      measure({
        name: `lists via process ${i + 1}`,
        url: server.url,
        seconds: SECONDS,
        headers: { authorization: `Bearer ${directory.token}` },
        next: () => ({ path: `/scim/v2/${directory.id}/Users?count=10&startIndex=${1 + (serial++ % 500)}` }),
      }),
    ),
  );
}

function summed(name: string, processes: number, figures: readonly Figure[]): ScaleOutFigure {
  return {
    measure: name,
    processes,
    requestsPerSecond: figures.reduce((sum, f) => sum + f.requestsPerSecond, 0),
    p99Ms: Math.max(...figures.map((f) => f.p99Ms)),
    errors: figures.reduce((sum, f) => sum + f.errors, 0),
  };
}

/** One process, then two, on one PostgreSQL database; each process keeps its default pool of 10. */
export async function runScaleOutBench(): Promise<ScaleOutFigure[]> {
  const database = await createTestDatabase("postgres");
  const servers: ServerProcess[] = [];
  try {
    servers.push(
      await startServerProcess(
        processEnv(database.config, { LOG_LEVEL: "silent", ROSTER_RATE_LIMIT_SCIM: "100000000" }),
        120_000,
      ),
    );
    servers.push(
      await startServerProcess(
        processEnv(database.config, { LOG_LEVEL: "silent", ROSTER_RATE_LIMIT_SCIM: "100000000" }),
        120_000,
      ),
    );
    const [first] = servers as [ServerProcess, ServerProcess];
    const org = await post(first, "/organizations", { name: "Bench" });
    const created = await post(first, "/directories", { organization_id: org.id, name: "IdP", type: "okta scim v2.0" });
    const directory = { id: created.id as string, token: created.scim.token as string };
    const figures: ScaleOutFigure[] = [];
    figures.push(summed("SCIM creates", 1, await creates([first], directory)));
    figures.push(summed("SCIM creates", 2, await creates(servers, directory)));
    figures.push(summed("SCIM list, 10 per page", 1, await reads([first], directory)));
    figures.push(summed("SCIM list, 10 per page", 2, await reads(servers, directory)));
    return figures;
  } finally {
    await Promise.all(servers.map((server) => server.stop("SIGKILL")));
    await database.drop();
  }
}
