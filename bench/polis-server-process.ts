import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "../test/support/databases.js";
import type { BenchTarget, ServerCpu } from "./server-process.js";

/**
 * Ory Polis's directory sync behind a bare `node:http` server, for the side-by-side benchmark
 * (bench/polis-bench.ts). Polis is installed into a scratch folder by the bench, never a
 * dependency of Roster: argv[2] is that folder, argv[3] the storage (sqlite, postgres, memory).
 * The request is handed to `directorySyncController.requests.handle`, as Polis's own SCIM API
 * route does, with its default event callback (no webhook configured: it reads the directory
 * and skips).
 */

interface PolisRequest {
  method: string;
  body: unknown;
  directoryId: string;
  resourceType: string;
  resourceId: string | undefined;
  apiSecret: string | null;
  query: { count?: number; startIndex?: number; filter?: string };
}
interface Polis {
  directorySyncController: {
    directories: {
      create(
        params: Record<string, unknown>,
      ): Promise<{ data: { id: string; scim: { secret: string } } | null; error: unknown }>;
    };
    requests: { handle(request: PolisRequest): Promise<{ status: number; data: unknown }> };
  };
  close?: () => Promise<void>;
}

const folder = process.argv[2] as string;
const storage = process.argv[3] as "sqlite" | "postgres" | "memory";
const load = createRequire(join(folder, "package.json"));
const jackson = load("@boxyhq/saml-jackson") as { default: (opts: Record<string, unknown>) => Promise<Polis> };

let database: TestDatabase | null = null;
let sqliteDir: string | null = null;
let db: Record<string, unknown>;
if (storage === "memory") db = { engine: "mem" };
else if (storage === "sqlite") {
  sqliteDir = mkdtempSync(join(tmpdir(), "polis-bench-"));
  db = { engine: "sql", type: "sqlite", url: join(sqliteDir, "polis.sqlite") };
} else {
  database = await createTestDatabase("postgres");
  db = { engine: "sql", type: "postgres", url: database.config.kind === "postgres" ? database.config.url : "" };
}

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const polis = await jackson.default({
  externalUrl: "http://127.0.0.1",
  samlPath: "/api/oauth/saml",
  db,
  noAnalytics: true,
  logger: quiet,
});
const dsync = polis.directorySyncController;
const created = await dsync.directories.create({
  name: "Bench",
  tenant: "bench.example",
  product: "bench",
  type: "generic-scim-v2",
});
if (!created.data) throw new Error(`Polis did not create the directory: ${JSON.stringify(created.error)}`);
const directory = created.data;
const base = `/api/scim/v2.0/${directory.id}`;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // /api/scim/v2.0/{directoryId}/{Users|Groups}[/{id}]
    const [, , , , directoryId, resourceType, resourceId] = url.pathname.split("/");
    const text = await readBody(req);
    const auth = req.headers.authorization ?? "";
    const count = url.searchParams.get("count");
    const startIndex = url.searchParams.get("startIndex");
    const result = await dsync.requests.handle({
      method: req.method ?? "GET",
      body: text ? JSON.parse(text) : undefined,
      directoryId: directoryId ?? "",
      resourceType: resourceType ?? "",
      resourceId: resourceId || undefined,
      apiSecret: auth.startsWith("Bearer ") ? auth.slice(7) : null,
      query: {
        ...(count ? { count: Number(count) } : {}),
        ...(startIndex ? { startIndex: Number(startIndex) } : {}),
        ...(url.searchParams.get("filter") ? { filter: url.searchParams.get("filter") ?? "" } : {}),
      },
    });
    res.writeHead(result.status, { "content-type": "application/scim+json" });
    res.end(JSON.stringify(result.data));
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" });
    res.end(String(err));
  }
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
const port = typeof address === "object" && address ? address.port : 0;

const target: BenchTarget = {
  url: `http://127.0.0.1:${port}`,
  bareUrl: "",
  token: directory.scim.secret,
  base,
  userIds: [],
  groupId: "",
  seedSeconds: 0,
};
let mark = { at: performance.now(), cpu: process.cpuUsage() };
process.send?.({ type: "ready", target });
process.on("message", async (message: { type?: string }) => {
  if (message.type === "begin") {
    mark = { at: performance.now(), cpu: process.cpuUsage() };
    process.send?.({ type: "begun" });
    return;
  }
  if (message.type === "end") {
    const cpu = process.cpuUsage(mark.cpu);
    const used: ServerCpu = { cpuMicros: cpu.user + cpu.system, seconds: (performance.now() - mark.at) / 1000 };
    process.send?.({ type: "cpu", cpu: used });
    return;
  }
  if (message.type !== "stop") return;
  // Let requests still in flight when the load stopped finish before the database goes.
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => setTimeout(resolve, 500));
  await polis.close?.().catch(() => {});
  await database?.drop().catch(() => {});
  if (sqliteDir) rmSync(sqliteDir, { recursive: true, force: true });
  process.exit(0);
});
