import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../../test/support/databases.js";
import { type ServerProcess, startServerProcess } from "../../test/support/server-process.js";
import type { DatabaseConfig } from "../config.js";
import { openStorage } from "../storage/connect.js";

const ADMIN_KEY = "roster_admin_shutdown_0123456789abcdefghijklmnopqrstuvw";
const CLIENTS = 16;
const SHUTDOWN_TIMEOUT_MS = 8_000;

function databaseUrl(config: DatabaseConfig): string {
  return config.kind === "sqlite" ? `sqlite:${config.file}` : config.url;
}

interface Outcome {
  readonly userName: string;
  readonly status: number | null;
  readonly headers: Headers | null;
  /** What went wrong on the connection: a reset or a cut answer. */
  readonly error: string | null;
}

/** Why a fetch failed, as its cause says (undici wraps the socket's error). */
function failureOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? String(err);
}

describe.each(DIALECTS)("SIGTERM under load on %s", (dialect) => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let server: ServerProcess | null = null;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    env = {
      DATABASE_URL: databaseUrl(database.config),
      ROSTER_ADMIN_KEY: ADMIN_KEY,
      ROSTER_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      ROSTER_SHUTDOWN_DRAIN_MS: "1000",
    };
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
    await database?.drop();
  });

  it("answers every request completely (2xx, or 503 with Retry-After while draining), keeps every 2xx write, and exits in time", {
    timeout: 120_000,
  }, async () => {
    server = await startServerProcess(env);
    const url = server.url;
    const admin = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };
    const org = (await (
      await fetch(`${url}/organizations`, {
        method: "POST",
        headers: admin,
        body: JSON.stringify({ name: "Shutdown Org" }),
      })
    ).json()) as { id: string };
    const created = await fetch(`${url}/directories`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ organization_id: org.id, name: "IdP", type: "generic scim v2.0" }),
    });
    const directory = (await created.json()) as { id: string; scim: { token: string } };

    const outcomes: Outcome[] = [];
    let sent = 0;
    /** One client: creates users one after another; a 503 or a refused connection sends it away, as it would a real IdP. */
    async function client(n: number): Promise<void> {
      for (let i = 0; ; i++) {
        const userName = `c${n}-u${i}@example.com`;
        sent += 1;
        try {
          const res = await fetch(`${url}/scim/v2/${directory.id}/Users`, {
            method: "POST",
            headers: { authorization: `Bearer ${directory.scim.token}`, "content-type": "application/scim+json" },
            body: JSON.stringify({
              schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
              userName,
              emails: [{ value: userName, primary: true }],
            }),
          });
          await res.text();
          outcomes.push({ userName, status: res.status, headers: res.headers, error: null });
          if (res.status === 503) return;
        } catch (err) {
          const error = failureOf(err);
          // Refused: the server no longer listens, the request was never accepted.
          if (error === "ECONNREFUSED") return;
          outcomes.push({ userName, status: null, headers: null, error });
          return;
        }
      }
    }

    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
    while (sent < CLIENTS * 20) await new Promise((resolve) => setTimeout(resolve, 20));
    const signalled = Date.now();
    const exit = await server.stop("SIGTERM");
    const exitedAfterMs = Date.now() - signalled;
    await Promise.all(clients);
    const shutdownLog = server.output();
    server = null;

    expect(
      outcomes.filter((o) => o.error !== null),
      shutdownLog,
    ).toEqual([]);
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 503)).toEqual([]);
    const refused = outcomes.filter((o) => o.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    for (const o of refused) {
      expect(o.headers?.get("retry-after")).toBe("1");
      expect(o.headers?.get("connection")).toBe("close");
    }
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 2_000);

    // Every acknowledged write is there after a restart.
    server = await startServerProcess(env);
    const storage = openStorage(database.config);
    try {
      const stored = new Set(
        (
          await storage.db
            .selectFrom("directory_users")
            .select("username")
            .where("directory_id", "=", directory.id)
            .execute()
        ).map((r) => r.username),
      );
      const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.userName);
      expect(acknowledged.length).toBeGreaterThan(CLIENTS);
      expect(acknowledged.filter((name) => !stored.has(name))).toEqual([]);
    } finally {
      await storage.close();
    }
    const after = await fetch(`${server.url}/scim/v2/${directory.id}/Users?count=1`, {
      headers: { authorization: `Bearer ${directory.scim.token}` },
    });
    expect(after.status).toBe(200);
  });
});
