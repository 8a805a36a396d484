import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createScimDirectory } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp } from "../../test/support/test-app.js";
import { loadConfig } from "../config.js";
import { startServer } from "../server/start.js";
import { startTestReceiver, waitUntil } from "../webhooks/webhook-test-support.js";
import { buildCli } from "./index.js";
import { startWorker } from "./worker-process.js";

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("running the delivery worker", () => {
  it("is a command of its own", () => {
    expect(buildCli().commands.map((c) => c.name())).toContain("worker");
  });

  it("runs inside `roster serve`: a change made over the API reaches the receiver", async () => {
    const dir = await mkdtemp(join(tmpdir(), "roster-serve-"));
    const receiver = await startTestReceiver();
    const server = await startServer(
      loadConfig({
        PORT: "0",
        DATABASE_URL: `sqlite:${join(dir, "roster.sqlite")}`,
        ROSTER_ADMIN_KEY: ADMIN_KEY,
        LOG_LEVEL: "silent",
        ROSTER_OUTBOUND_PRIVATE: "all",
      }),
    );
    try {
      const post = async (path: string, body: object) => {
        const res = await fetch(`${server.url}${path}`, {
          method: "POST",
          headers: { ...bearer(ADMIN_KEY), "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status, path).toBe(201);
        return (await res.json()) as { id: string };
      };
      const org = await post("/organizations", { name: "Served" });
      await post("/webhook_endpoints", { url: `${receiver.url}/served`, organization_id: org.id });
      const directory = await post("/directories", { organization_id: org.id, name: "IdP", type: "generic scim v2.0" });
      await waitUntil(() => receiver.receipts.length >= 2, "the directory's events");
      const events = receiver.receipts.map(
        (r) => JSON.parse(r.body) as { event: string; data: { id?: string; directory_id?: string } },
      );
      expect(events.map((e) => e.event)).toEqual(["dsync.activated", "dsync.token.created"]);
      expect(events[0]?.data.id).toBe(directory.id);
    } finally {
      await server.close();
      await receiver.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs alone as `roster worker` against PostgreSQL, and stops cleanly", async () => {
    const t = await createTestApp("postgres", { ROSTER_SECRET_KEY: "test-only-secret-key-0123456789abcdefghijklmnop" });
    const receiver = await startTestReceiver();
    const worker = await startWorker(t.config, silent, { pollIntervalMs: 10 });
    try {
      const res = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: bearer(ADMIN_KEY),
        payload: { url: `${receiver.url}/alone` },
      });
      expect(res.statusCode).toBe(201);
      await createScimDirectory(t.app);
      await waitUntil(() => receiver.receipts.length >= 2, "the directory's events");
      expect(receiver.receipts.map((r) => JSON.parse(r.body).event)).toEqual([
        "dsync.activated",
        "dsync.token.created",
      ]);
    } finally {
      await worker.stop();
      await receiver.close();
      await t.close();
    }
  });
});
