import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";
import { createOrganizationService } from "../tenancy/organizations.js";

describe.each(DIALECTS)("rate limits on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_RATE_LIMIT_API: "5", ROSTER_RATE_LIMIT_SCIM: "3" });
  });
  afterAll(async () => t?.close());

  it("counts each API key on its own and answers 429 with Retry-After past the limit", async () => {
    const a = await createOrgWithKey(t.app, "A");
    const b = await createOrgWithKey(t.app, "B");
    const statuses: number[] = [];
    let last = await t.app.inject({ method: "GET", url: "/directories", headers: bearer(a.key) });
    statuses.push(last.statusCode);
    expect(last.headers["x-ratelimit-limit"]).toBe("5");
    expect(last.headers["x-ratelimit-remaining"]).toBe("4");
    expect(Number(last.headers["x-ratelimit-reset"])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++) {
      last = await t.app.inject({ method: "GET", url: "/directories", headers: bearer(a.key) });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last.json().code).toBe("rate_limit_exceeded");
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
    expect(last.headers["x-ratelimit-remaining"]).toBe("0");
    expect((await t.app.inject({ method: "GET", url: "/directories", headers: bearer(b.key) })).statusCode).toBe(200);
  });

  it("limits a SCIM token on its own budget, with a SCIM error body", async () => {
    // Set up through the services: the admin key's own budget is spent by the test above.
    const org = await createOrganizationService(t.deps).create({ name: "C" });
    const dir = await createDirectoryService(t.deps).create(
      { organization_id: org.id, name: "d", type: "okta scim v2.0" },
      null,
    );
    if (!dir.scim?.token) throw new Error("no token");
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.app.inject>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await t.app.inject({
        method: "GET",
        url: `/scim/v2/${dir.id}/ServiceProviderConfig`,
        headers: bearer(dir.scim.token),
      });
      statuses.push(last.statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last?.json()).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "429" });
  });

  it("does not count health checks", async () => {
    for (let i = 0; i < 10; i++) expect((await t.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
  });
});
