import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import { type RunningServer, startServer } from "../server/start.js";

const ADMIN_KEY = "roster_admin_timeouts_0123456789abcdefghijklmnopqrstuv";

/** Opens a raw connection, writes `text`, and resolves with what the server sent once it closed the connection (or null after `waitMs`). */
function stall(url: string, text: string, waitMs: number): Promise<{ answer: string; afterMs: number } | null> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ answer, afterMs: Date.now() - started });
    });
    socket.on("error", () => {});
  });
}

describe("slow clients", () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "roster-timeouts-"));
    const env = {
      PORT: "0",
      DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`,
      ROSTER_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: "silent",
      ROSTER_HEADERS_TIMEOUT_MS: "500",
      ROSTER_REQUEST_TIMEOUT_MS: "1000",
      ROSTER_KEEP_ALIVE_TIMEOUT_MS: "500",
    };
    server = await startServer(loadConfig(env));
  });
  afterAll(async () => {
    server.app.server.closeAllConnections();
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers 408 and closes a connection whose body never finishes", async () => {
    const head = `POST /organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`;
    const closed = await stall(server.url, head, 5_000);
    expect(closed, "the server kept a stalled body open").not.toBeNull();
    expect(closed?.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(closed?.afterMs).toBeLessThan(3_000);
  });

  it("closes a connection whose headers never finish", async () => {
    const closed = await stall(server.url, "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", 5_000);
    expect(closed, "the server kept stalled headers open").not.toBeNull();
    expect(closed?.answer).toMatch(/^(HTTP\/1\.1 408 |$)/);
    expect(closed?.afterMs).toBeLessThan(3_000);
  });

  it("closes an idle kept-alive connection after the keep-alive timeout", async () => {
    const closed = await stall(server.url, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 5_000);
    expect(closed, "the server kept an idle connection open").not.toBeNull();
    expect(closed?.answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(closed?.afterMs).toBeLessThan(2_000);
  });

  it("still serves a client that sends its body in time", async () => {
    const res = await fetch(`${server.url}/organizations`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Timely" }),
    });
    expect(res.status).toBe(201);
  });
});
