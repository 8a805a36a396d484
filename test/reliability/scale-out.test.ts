// Scale-out on PostgreSQL: two `roster serve` processes and one `roster worker` on one database.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  PROCESS_ADMIN_KEY,
  processEnv,
  type ServerProcess,
  startServerProcess,
  startWorkerProcess,
} from "../support/server-process.js";
import { createTestDatabase, type TestDatabase } from "../support/databases.js";

const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
const PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

interface Answer {
  readonly status: number;
  readonly json: any;
}

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function ok(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const answer = await call(url, PROCESS_ADMIN_KEY, method, path, body);
  if (answer.status >= 300)
    throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.json)}`);
  return answer.json;
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A webhook receiver on loopback that counts every delivery by its `webhook-id`. */
async function startReceiver(): Promise<{ url: string; received: Map<string, number>; close(): Promise<void> }> {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const id = String(req.headers["webhook-id"]);
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("two roster serve processes and a roster worker on one PostgreSQL", () => {
  let database: TestDatabase;
  let processes: ServerProcess[] = [];
  let a: string;
  let b: string;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // The first process migrates; the others start on the migrated database.
    const first = await startServerProcess(processEnv(database.config));
    processes = [
      first,
      ...(await Promise.all([
        startServerProcess(processEnv(database.config)),
        startWorkerProcess(processEnv(database.config)),
      ])),
    ];
    a = first.url;
    b = (processes[1] as ServerProcess).url;
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop("SIGKILL")));
    await database.drop();
  });

  it("agrees across processes, keeps 40 concurrent member pushes split over both, and delivers each event once per endpoint", async () => {
    const receiver = await startReceiver();
    try {
      const org = await ok(a, "POST", "/organizations", { name: "Scale Co" });
      expect(await ok(b, "GET", `/organizations/${org.id}`)).toEqual(org);
      const endpoint = await ok(b, "POST", "/webhook_endpoints", { url: receiver.url, organization_id: org.id });
      const directory = await ok(b, "POST", "/directories", {
        organization_id: org.id,
        name: "IdP",
        type: "okta scim v2.0",
      });
      const token = directory.scim.token as string;
      const base = `/scim/v2/${directory.id}`;
      const doors = [a, b];

      const group = await call(a, token, "POST", `${base}/Groups`, {
        schemas: [GROUP_SCHEMA],
        displayName: "Everyone",
      });
      expect(group.status).toBe(201);
      const users = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const userName = `user${i}@scale.test`;
          const created = await call(doors[i % 2] as string, token, "POST", `${base}/Users`, {
            schemas: [USER_SCHEMA],
            userName,
            emails: [{ value: userName, primary: true }],
          });
          expect(created.status).toBe(201);
          return created.json.id as string;
        }),
      );
      const pushes = await Promise.all(
        users.map((id, i) =>
          call(doors[(i + 1) % 2] as string, token, "PATCH", `${base}/Groups/${group.json.id}`, {
            schemas: [PATCH_SCHEMA],
            Operations: [{ op: "add", path: "members", value: [{ value: id }] }],
          }),
        ),
      );
      expect(pushes.map((push) => push.status).filter((status) => status !== 200 && status !== 204)).toEqual([]);

      for (const door of doors) {
        const members = await ok(door, "GET", `/directory_users?group=${group.json.id}&limit=100`);
        expect(new Set(members.data.map((user: { id: string }) => user.id))).toEqual(new Set(users));
        const scimGroup = await call(door, token, "GET", `${base}/Groups/${group.json.id}`);
        expect(scimGroup.json.members).toHaveLength(40);
      }
      const fromA = await ok(a, "GET", `/directory_users?directory=${directory.id}&limit=100`);
      expect(await ok(b, "GET", `/directory_users?directory=${directory.id}&limit=100`)).toEqual(fromA);

      // Every event of the organization delivered by one of the three processes, once.
      const events = await ok(a, "GET", `/events?organization_id=${org.id}&limit=100`);
      const types = events.data.map((event: { event: string }) => event.event);
      expect(types.filter((type: string) => type === "dsync.user.created")).toHaveLength(40);
      expect(types.filter((type: string) => type === "dsync.group.user_added")).toHaveLength(40);
      await waitUntil(
        async () => events.data.every((event: { id: string }) => receiver.received.has(event.id)),
        "every event delivered",
        20_000,
      );
      // Time for a second delivery of anything, were one coming.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const duplicates = [...receiver.received.values()].filter((count) => count > 1).length;
      expect(duplicates).toBe(0);
      expect(receiver.received.size).toBe(events.data.length);
      const deliveries = await ok(b, "GET", `/webhook_endpoints/${endpoint.id}/deliveries?limit=100`);
      expect(deliveries.data.length).toBe(events.data.length);
    } finally {
      await receiver.close();
    }
  }, 90_000);

  it("runs one sync per directory at a time, whichever process is asked", async () => {
    const dir = await mkdtemp(join(tmpdir(), "roster-scale-"));
    try {
      const path = join(dir, "people.csv");
      const rows = Array.from(
        { length: 5_000 },
        (_, i) => `person${i},person${i}@scale.test,First${i},Last${i},active,Staff`,
      );
      await writeFile(path, `username,email,first_name,last_name,state,groups\n${rows.join("\n")}\n`);
      const org = await ok(a, "POST", "/organizations", { name: "Sync Co" });
      const directory = await ok(a, "POST", "/directories", {
        organization_id: org.id,
        name: "HR",
        type: "csv",
        connector: { path },
      });

      const starts = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          call(i % 2 ? b : a, PROCESS_ADMIN_KEY, "POST", `/directories/${directory.id}/sync`, {}),
        ),
      );
      const started = starts.filter((start) => start.status < 300);
      expect(started, JSON.stringify(starts.map((start) => start.status))).toHaveLength(1);
      for (const refused of starts.filter((start) => start.status >= 300)) {
        expect(refused.status).toBe(409);
        expect(refused.json.code).toBe("sync_in_progress");
      }
      await waitUntil(
        async () => (await ok(b, "GET", `/directories/${directory.id}/sync`)).state !== "running",
        "the run to finish",
        60_000,
      );
      const run = await ok(a, "GET", `/directories/${directory.id}/sync`);
      expect(run.state).toBe("succeeded");
      expect(run.counts.created).toBe(5_000);
      const history = await ok(b, "GET", `/directories/${directory.id}/syncs`);
      expect(history.data).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
