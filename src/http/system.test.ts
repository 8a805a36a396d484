import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const METRICS_TOKEN = "scrape-token-0123456789abcdef";

describe.each(DIALECTS)("health, readiness and the OpenAPI document on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_METRICS_TOKEN: METRICS_TOKEN });
  });
  afterAll(async () => t?.close());

  it("answers /health without a key", async () => {
    const res = await t.app.inject({ method: "GET", url: "/health" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
  });

  it("answers /ready after asking the database", async () => {
    const res = await t.app.inject({ method: "GET", url: "/ready" });
    expect(res.json()).toEqual({ status: "ready", database: dialect });
  });

  it("serves an OpenAPI document generated from the route schemas", async () => {
    const res = await t.app.inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/organizations",
        "/directories",
        "/directories/{id}",
        "/directories/{id}/scim_token",
        "/organizations/{id}/api_keys",
      ]),
    );
    expect(doc.paths["/directories"].post.requestBody.content["application/json"].schema.required).toEqual([
      "name",
      "type",
    ]);
  });

  it("serves Prometheus metrics labelled by route pattern, not by URL", async () => {
    await t.app.inject({ method: "GET", url: "/organizations/org_01ARZ3NDEKTSV4RRFFQ69G5FAV" });
    const res = await t.app.inject({ method: "GET", url: "/metrics", headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toContain('roster_http_requests_total{method="GET",route="/organizations/:id",status="401"} 1');
    expect(res.body).toContain("process_cpu_seconds_total");
    expect(res.body).not.toContain("org_01ARZ3NDEKTSV4RRFFQ69G5FAV");
  });

  it("serves metrics to the admin key and the scrape token only", async () => {
    const { key } = await createOrgWithKey(t.app, "Metrics Org");
    const anonymous = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("unauthorized");
    expect(anonymous.body).not.toContain("roster_http_requests_total");
    expect(
      (await t.app.inject({ method: "GET", url: "/metrics", headers: bearer("scrape-token-wrong-0123456789") }))
        .statusCode,
    ).toBe(401);
    const orgKey = await t.app.inject({ method: "GET", url: "/metrics", headers: bearer(key) });
    expect(orgKey.statusCode).toBe(403);
    expect(orgKey.json().code).toBe("forbidden");
    const scraper = await t.app.inject({ method: "GET", url: "/metrics", headers: bearer(METRICS_TOKEN) });
    expect(scraper.statusCode).toBe(200);
    expect(scraper.body).toContain("roster_http_requests_total");
  });

  it("echoes a caller's X-Request-Id and makes one up otherwise", async () => {
    const given = await t.app.inject({ method: "GET", url: "/health", headers: { "x-request-id": "req-123" } });
    expect(given.headers["x-request-id"]).toBe("req-123");
    const made = await t.app.inject({ method: "GET", url: "/health" });
    expect(made.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("/ready when the database is gone", () => {
  it("answers 503", async () => {
    const t = await createTestApp("sqlite");
    await t.storage.close();
    const res = await t.app.inject({ method: "GET", url: "/ready" });
    expect(res.statusCode).toBe(503);
    await t.app.close();
  });
});
