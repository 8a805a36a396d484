import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, type ScimDirectory } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { dispatchEvents } from "../webhooks/dispatcher.js";
import { settleEvents } from "../webhooks/webhook-test-support.js";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

describe.each(DIALECTS)("what /metrics tells an operator on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let endpointId: string;

  /** The value of one series of the scrape, e.g. `roster_webhook_backlog{endpoint="we_…"}`; undefined when absent. */
  async function scrape(): Promise<(series: string) => number | undefined> {
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(200);
    const values = new Map<string, number>();
    for (const line of res.body.split("\n")) {
      if (line.startsWith("#") || !line.trim()) continue;
      const at = line.lastIndexOf(" ");
      values.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
    return (series) => values.get(series);
  }

  const scim = (body: unknown, token = dir.token) =>
    t.app.inject({
      method: "POST",
      url: `${dir.base}/Users`,
      headers: { ...bearer(token), "content-type": "application/scim+json" },
      payload: JSON.stringify(body),
    });

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "operational-metrics-secret-0123456789abcdefgh" });
    dir = await createScimDirectory(t.app);
    const endpoint = await t.app.inject({
      method: "POST",
      url: "/webhook_endpoints",
      headers: bearer(ADMIN_KEY),
      payload: { url: "https://receiver.example/hooks", organization_id: dir.orgId },
    });
    endpointId = endpoint.json().id;
  });
  afterAll(async () => t?.close());

  it("counts SCIM answers by directory and status class, and unauthenticated ones apart", async () => {
    expect((await scim({ schemas: [USER], userName: "ada@metrics.test" })).statusCode).toBe(201);
    expect((await scim({ schemas: [USER], userName: "bob@metrics.test" })).statusCode).toBe(201);
    expect((await scim({ schemas: [USER] })).statusCode).toBe(400);
    expect((await scim({ schemas: [USER], userName: "eve@metrics.test" }, "not-the-token")).statusCode).toBe(401);
    const value = await scrape();
    expect(value(`roster_scim_requests_total{directory="${dir.id}",class="2xx"}`)).toBe(2);
    expect(value(`roster_scim_requests_total{directory="${dir.id}",class="4xx"}`)).toBe(1);
    expect(value(`roster_scim_requests_total{directory="unauthenticated",class="4xx"}`)).toBe(1);
    expect(value("roster_events_written")).toBeGreaterThanOrEqual(2);
  });

  it("shows the outbox falling behind, then the webhook backlog and its age, then a disabled endpoint", async () => {
    t.clock.advance(30_000);
    let value = await scrape();
    expect(value("roster_outbox_lag_seconds")).toBe(30);
    expect(value(`roster_webhook_backlog{endpoint="${endpointId}"}`)).toBe(0);

    // On PostgreSQL an event is fanned out once no older transaction of the cluster still runs.
    await settleEvents(t.storage);
    await dispatchEvents(t.deps);
    t.clock.advance(10_000);
    value = await scrape();
    expect(value("roster_outbox_lag_seconds")).toBe(0);
    expect(value(`roster_webhook_backlog{endpoint="${endpointId}"}`)).toBe(2);
    expect(value(`roster_webhook_oldest_pending_seconds{endpoint="${endpointId}"}`)).toBe(10);
    expect(value(`roster_webhook_deliveries_failed{endpoint="${endpointId}"}`)).toBe(0);
    expect(value("roster_webhook_endpoints_disabled")).toBe(0);

    await t.app.inject({
      method: "PATCH",
      url: `/webhook_endpoints/${endpointId}`,
      headers: bearer(ADMIN_KEY),
      payload: { enabled: false },
    });
    expect((await scrape())("roster_webhook_endpoints_disabled")).toBe(1);
  });

  it("shows each pull directory's newest run and its duration", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(ADMIN_KEY),
      payload: { organization_id: dir.orgId, name: "HR", type: "csv" },
    });
    const csv = created.json().id as string;
    const upload = await t.app.inject({
      method: "POST",
      url: `/directories/${csv}/csv`,
      headers: { ...bearer(ADMIN_KEY), "content-type": "text/csv" },
      payload: "username,email\nada,ada@hr.test\n",
    });
    expect(upload.statusCode).toBe(202);
    await t.app.sync.idle();
    const value = await scrape();
    expect(value(`roster_sync_last_run{directory="${csv}",state="succeeded"}`)).toBe(1);
    expect(value(`roster_sync_last_run_duration_seconds{directory="${csv}"}`)).toBeGreaterThanOrEqual(0);
    if (dialect === "postgres") expect(value('roster_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
  });
});
