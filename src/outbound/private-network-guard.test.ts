/**
 * ROSTER_OUTBOUND_PRIVATE=admin (the default) through the API, the webhook worker and a sync run,
 * on both backends: what a tenant may point Roster at, and what only the admin key may allow.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { createDeliveryWorker } from "../webhooks/delivery-worker.js";

const SECRET_KEY = "private-network-test-key-0123456789abcdef";
const admin = bearer(ADMIN_KEY);
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** Passes until one made an attempt: on PostgreSQL a fresh event may wait a pass for older transactions. */
async function deliverSome(worker: { runOnce(): Promise<number> }): Promise<number> {
  for (let pass = 0; pass < 50; pass++) {
    const attempts = await worker.runOnce();
    if (attempts > 0) return attempts;
    await new Promise((done) => setTimeout(done, 50));
  }
  return 0;
}

const REFUSED_LOOPBACK =
  /^refused: (127\.0\.0\.1|::1) is a loopback address; only an? (endpoint|directory) the admin key created or flagged private_network may reach it \(ROSTER_OUTBOUND_PRIVATE=admin\), or every one with ROSTER_OUTBOUND_PRIVATE=all$/;

for (const dialect of DIALECTS) {
  describe(`the private-network guard (${dialect})`, () => {
    let t: TestApp;
    let orgId: string;
    let orgKey: { authorization: string };
    let receiver: Server;
    let port = 0;
    let hits = 0;

    beforeAll(async () => {
      t = await createTestApp(dialect, { ROSTER_OUTBOUND_PRIVATE: "admin", ROSTER_SECRET_KEY: SECRET_KEY });
      const org = await createOrgWithKey(t.app, "Acme");
      orgId = org.orgId;
      orgKey = bearer(org.key);
      receiver = createServer((_req, res) => {
        hits++;
        res.writeHead(204).end();
      });
      await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
      port = (receiver.address() as AddressInfo).port;
    });

    afterAll(async () => {
      receiver.closeAllConnections();
      await new Promise((done) => receiver.close(done));
      await t.close();
    });

    it("answers 422 with a field error for an endpoint URL naming a private address", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: orgKey,
        payload: { url: "http://10.0.0.5/hook" },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        {
          field: "url",
          code: "private_address",
          message:
            "refused: 10.0.0.5 is a private address; only an endpoint the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
        },
      ]);
      const metadata = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: admin,
        payload: { url: "http://2852039166/latest", private_network: false },
      });
      expect(metadata.json().errors[0].message).toContain("169.254.169.254 is a link-local address");
    });

    it("lets what the admin key creates reach private addresses unless it says otherwise", async () => {
      const byAdmin = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: admin,
        payload: { url: "http://10.0.0.7/hook", organization_id: orgId },
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(201);
      expect(byAdmin.json().private_network).toBe(true);
      const byOrg = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: orgKey,
        payload: { url: "https://hooks.example.com/org" },
      });
      expect(byOrg.json().private_network).toBe(false);
    });

    it("lets only the admin key set private_network, and stores it", async () => {
      const byOrg = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: orgKey,
        payload: { url: "http://10.0.0.5/hook", private_network: true },
      });
      expect(byOrg.statusCode).toBe(403);
      const byAdmin = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: admin,
        payload: { url: "http://10.0.0.5/hook", organization_id: orgId, private_network: true },
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(201);
      expect(byAdmin.json().private_network).toBe(true);
      const id = byAdmin.json().id as string;
      expect(
        (await t.app.inject({ method: "GET", url: `/webhook_endpoints/${id}`, headers: orgKey })).json()
          .private_network,
      ).toBe(true);
      expect(
        (
          await t.app.inject({
            method: "PATCH",
            url: `/webhook_endpoints/${id}`,
            headers: orgKey,
            payload: { private_network: false },
          })
        ).statusCode,
      ).toBe(403);
      // The organization may change its endpoint, but a new address loses the admin's leave.
      const moved = await t.app.inject({
        method: "PATCH",
        url: `/webhook_endpoints/${id}`,
        headers: orgKey,
        payload: { url: "http://10.0.0.6/hook" },
      });
      expect(moved.statusCode).toBe(422);
      const elsewhere = await t.app.inject({
        method: "PATCH",
        url: `/webhook_endpoints/${id}`,
        headers: orgKey,
        payload: { url: "https://hooks.example.com/x" },
      });
      expect(elsewhere.json()).toMatchObject({ url: "https://hooks.example.com/x", private_network: false });
      const row = await t.storage.db
        .selectFrom("webhook_endpoints")
        .select("private_network")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      expect(row.private_network).toBe(0);
    });

    it("records a refused delivery attempt when the endpoint's name resolves to loopback at send time", async () => {
      // Saved while the admin allowed it, then the leave withdrawn: the URL text is no longer checked, the connection is.
      const created = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: admin,
        payload: {
          url: `http://localhost:${port}/hook`,
          organization_id: orgId,
          events: ["dsync.activated"],
          private_network: true,
        },
      });
      const id = created.json().id as string;
      await t.app.inject({
        method: "PATCH",
        url: `/webhook_endpoints/${id}`,
        headers: admin,
        payload: { private_network: false },
      });
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: admin,
        payload: { organization_id: orgId, name: "Trigger", type: "okta scim v2.0" },
      });
      const keyring = createSecretKeyring({
        secretKey: SECRET_KEY,
        database: t.config.database,
        warn: () => undefined,
      });
      const worker = createDeliveryWorker({
        ...t.deps,
        keyring,
        log: silent,
        outboundPrivate: t.config.outboundPrivate,
      });
      expect(await deliverSome(worker)).toBeGreaterThanOrEqual(1);
      const deliveries = (
        await t.app.inject({ method: "GET", url: `/webhook_endpoints/${id}/deliveries`, headers: admin })
      ).json().data;
      expect(deliveries[0].attempts[0].error).toMatch(REFUSED_LOOPBACK);
      expect(hits).toBe(0);

      // The admin's leave again: the same delivery goes through.
      await t.app.inject({
        method: "PATCH",
        url: `/webhook_endpoints/${id}`,
        headers: admin,
        payload: { private_network: true },
      });
      await t.storage.db
        .updateTable("webhook_deliveries")
        .set({ next_attempt_at: "2000-01-01T00:00:00.000Z" })
        .where("endpoint_id", "=", id)
        .execute();
      expect(await deliverSome(worker)).toBeGreaterThanOrEqual(1);
      expect(hits).toBe(1);
    });

    it("refuses a connector URL naming a private address unless the admin allows it, and fails a run whose name resolves to loopback", async () => {
      const connector = { base_url: "http://192.168.1.20/scim/v2", token: "upstream-token-0123456789" };
      const refused = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: orgKey,
        payload: { name: "Up", type: "scim pull", connector },
      });
      expect(refused.statusCode).toBe(422);
      expect(refused.json().errors).toEqual([
        {
          field: "connector.base_url",
          code: "private_address",
          message:
            "refused: 192.168.1.20 is a private address; only a directory the admin key created or flagged private_network may reach it (ROSTER_OUTBOUND_PRIVATE=admin), or every one with ROSTER_OUTBOUND_PRIVATE=all",
        },
      ]);
      const byOrg = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: orgKey,
        payload: { name: "Up", type: "scim pull", connector, private_network: true },
      });
      expect(byOrg.statusCode).toBe(403);
      const local = { base_url: `http://localhost:${port}/scim/v2`, token: "upstream-token-0123456789" };
      const byAdmin = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: admin,
        payload: { organization_id: orgId, name: "Up", type: "scim pull", connector: local, private_network: true },
      });
      expect(byAdmin.statusCode, byAdmin.body).toBe(201);
      expect(byAdmin.json().private_network).toBe(true);
      const dirId = byAdmin.json().id as string;
      const stored = await t.storage.db
        .selectFrom("directories")
        .select("private_network")
        .where("id", "=", dirId)
        .executeTakeFirstOrThrow();
      expect(stored.private_network).toBe(1);

      await t.app.inject({
        method: "PATCH",
        url: `/directories/${dirId}`,
        headers: admin,
        payload: { private_network: false },
      });
      await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin });
      await t.app.sync.idle();
      const run = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
      expect(run.state).toBe("failed");
      expect(JSON.stringify(run)).toMatch(
        /refused: (127\.0\.0\.1|::1) is a loopback address; only a directory the admin key created or flagged private_network may reach it \(ROSTER_OUTBOUND_PRIVATE=admin\), or every one with ROSTER_OUTBOUND_PRIVATE=all/,
      );
      expect(hits).toBe(1);
    });

    it("holds the connector test action to the directory's own private_network flag, whatever the process-wide policy says", async () => {
      // The setting is admin (the config); the process environment says otherwise in each half, and must not count.
      const local = { base_url: `http://127.0.0.1:${port}/scim/v2`, token: "upstream-token-0123456789" };
      const created = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: admin,
        payload: { organization_id: orgId, name: "Tested", type: "scim pull", connector: local, private_network: true },
      });
      expect(created.statusCode, created.body).toBe(201);
      const dirId = created.json().id as string;
      const testAction = () =>
        t.app.inject({ method: "POST", url: `/directories/${dirId}/connector/test`, headers: admin });
      const previous = process.env.ROSTER_OUTBOUND_PRIVATE;
      try {
        process.env.ROSTER_OUTBOUND_PRIVATE = "none";
        const before = hits;
        const allowed = await testAction();
        expect(allowed.statusCode, allowed.body).toBe(200);
        expect(allowed.body).not.toContain("refused:");
        expect(hits).toBeGreaterThan(before);

        await t.app.inject({
          method: "PATCH",
          url: `/directories/${dirId}`,
          headers: admin,
          payload: { private_network: false },
        });
        process.env.ROSTER_OUTBOUND_PRIVATE = "all";
        const reached = hits;
        const refused = await testAction();
        expect(refused.statusCode, refused.body).toBe(200);
        expect(refused.json().ok).toBe(false);
        expect(refused.body).toMatch(
          /refused: 127\.0\.0\.1 is a loopback address; only a directory the admin key created or flagged private_network may reach it/,
        );
        expect(hits).toBe(reached);
      } finally {
        process.env.ROSTER_OUTBOUND_PRIVATE = previous;
      }
    });
  });
}
