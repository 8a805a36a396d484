import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { type ServerProcess, startServerProcess } from "../../test/support/server-process.js";
import type { DatabaseConfig } from "../config.js";
import { openStorage } from "../storage/connect.js";
import { waitUntil } from "./webhook-test-support.js";

const ADMIN_KEY = "roster_admin_crash_0123456789abcdefghijklmnopqrstuvwxyz";
const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const USERS = 300;
/** The worker's default bound on deliveries sent but not recorded, plus the one in flight. */
const DUPLICATES_PER_CRASH = 32 + 1;
/** Far below the 60 s lease a dead worker's deliveries used to wait out. */
const RESUME_WITHIN_MS = 10_000;

/** A receiver that answers each webhook after a few milliseconds, recording webhook ids in arrival order. */
async function slowReceiver(delayMs: number): Promise<{ url: string; ids: string[]; close(): Promise<void> }> {
  const ids: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      ids.push(String(req.headers["webhook-id"]));
      setTimeout(() => res.writeHead(200).end("ok"), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    ids,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function databaseUrl(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite:${config.file}` : config.url;
}

async function call(url: string, method: string, path: string, body?: unknown, token = ADMIN_KEY): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

describe.each(DIALECTS)("webhook deliveries across kill -9 of the server on %s", (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: ServerProcess | null = null;
  let receiver: Awaited<ReturnType<typeof slowReceiver>>;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = { DATABASE_URL: databaseUrl(database.config), ROSTER_ADMIN_KEY: ADMIN_KEY, ROSTER_SECRET_KEY: SECRET_KEY };
    receiver = await slowReceiver(3);
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await receiver?.close();
    await database?.drop();
  });

  it("resumes at once after each crash, in order, sending again only what was in flight", {
    timeout: 120_000,
  }, async () => {
    server = await startServerProcess(env);
    const org = await call(server.url, "POST", "/organizations", { name: "Crash Org" });
    const directory = await call(server.url, "POST", "/directories", {
      organization_id: org.id,
      name: "IdP",
      type: "generic scim v2.0",
    });
    const endpoint = await call(server.url, "POST", "/webhook_endpoints", {
      url: receiver.url,
      organization_id: org.id,
    });
    // A backlog first: the whole queue goes out as runs of one claim each.
    await call(server.url, "PATCH", `/webhook_endpoints/${endpoint.id}`, { enabled: false });
    const scim = `${server.url}/scim/v2/${directory.id}`;
    const pushes = Array.from({ length: USERS }, (_, i) => `crash${i}@example.com`);
    for (let i = 0; i < pushes.length; i += 10) {
      await Promise.all(
        pushes.slice(i, i + 10).map((userName) =>
          fetch(`${scim}/Users`, {
            method: "POST",
            headers: { authorization: `Bearer ${directory.scim.token}`, "content-type": "application/scim+json" },
            body: JSON.stringify({ schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], userName }),
          }).then((res) => expect(res.status).toBe(201)),
        ),
      );
    }
    await call(server.url, "PATCH", `/webhook_endpoints/${endpoint.id}`, { enabled: true });

    const lives: { before: string[]; resumedAfterMs: number }[] = [];
    for (const killAt of [60, 180]) {
      await waitUntil(() => new Set(receiver.ids).size >= killAt, `${killAt} deliveries`, 30_000);
      await server.stop("SIGKILL");
      const before = [...receiver.ids];
      server = await startServerProcess(env);
      const restarted = Date.now();
      await waitUntil(() => receiver.ids.length > before.length, "a delivery after the restart", RESUME_WITHIN_MS);
      lives.push({ before, resumedAfterMs: Date.now() - restarted });
    }

    const storage = openStorage(database.config);
    try {
      const expected = (
        await storage.db
          .selectFrom("webhook_deliveries")
          .select("event_id")
          .where("endpoint_id", "=", endpoint.id)
          .orderBy("event_pos")
          .execute()
      ).map((r) => r.event_id);
      expect(expected).toHaveLength(USERS);
      await waitUntil(() => new Set(receiver.ids).size === USERS, "every delivery", 30_000);
      // Every event reached the receiver, first time in feed order.
      expect([...new Set(receiver.ids)]).toEqual(expected);
      await waitUntil(
        async () =>
          (
            await storage.db
              .selectFrom("webhook_deliveries")
              .select("id")
              .where("endpoint_id", "=", endpoint.id)
              .where("state", "!=", "succeeded")
              .limit(1)
              .execute()
          ).length === 0,
        "every delivery recorded as succeeded",
        10_000,
      );
    } finally {
      await storage.close();
    }

    // Duplicates: only what a life had sent last, before it was killed, and no more than the bound.
    let from = 0;
    for (const [i, life] of lives.entries()) {
      const until = lives[i + 1]?.before.length ?? receiver.ids.length;
      const resent = receiver.ids.slice(life.before.length, until).filter((id) => life.before.includes(id));
      const sentLast = [...new Set(life.before.slice(from))].slice(-resent.length);
      expect(resent.length, `duplicates after crash ${i + 1}`).toBeLessThanOrEqual(DUPLICATES_PER_CRASH);
      if (resent.length > 0) expect(new Set(resent)).toEqual(new Set(sentLast));
      expect(life.resumedAfterMs).toBeLessThan(RESUME_WITHIN_MS);
      from = life.before.length;
    }
    const duplicates = receiver.ids.length - USERS;
    console.info(
      `${dialect}: ${duplicates} duplicates over ${lives.length} crashes; resumed after ${lives.map((l) => l.resumedAfterMs).join(" and ")} ms`,
    );
  });
});
