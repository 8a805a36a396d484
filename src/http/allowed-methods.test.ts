import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("methods a path does not answer on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
  });
  afterAll(async () => t?.close());

  it("answers 405 with Allow to PUT on a SCIM collection, in the SCIM error format", async () => {
    const scim = scimClient(t.app, dir);
    for (const [method, path, allow] of [
      ["PUT", "/Users", "GET, HEAD, POST"],
      ["DELETE", "/Groups", "GET, HEAD, POST"],
      ["POST", "/Users/some-id", "DELETE, GET, HEAD, PATCH, PUT"],
      ["GET", "/Bulk", "POST"],
    ] as const) {
      const res = await scim(
        method,
        path,
        method === "DELETE" || method === "GET" ? undefined : { schemas: [SCHEMA.user] },
      );
      expect(res.statusCode, `${method} ${path} ${res.body}`).toBe(405);
      expect(res.headers.allow).toBe(allow);
      expect(res.json()).toMatchObject({
        schemas: [SCHEMA.error],
        status: "405",
        detail: expect.stringContaining(`${method} is not allowed`),
      });
    }
  });

  it("answers 401, not 405, to a SCIM request without the directory's token", async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: `${dir.base}/Users`,
      headers: { "content-type": "application/scim+json" },
      payload: "{}",
    });
    expect(res.statusCode).toBe(401);
  });

  it("answers 405 with Allow on the normalized API, and 404 to a path nothing answers", async () => {
    const put = await t.app.inject({ method: "PUT", url: "/organizations", headers: bearer(ADMIN_KEY), payload: {} });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe("GET, HEAD, POST");
    expect(put.json()).toEqual({
      code: "method_not_allowed",
      message: "PUT is not allowed on /organizations; it answers GET, HEAD, POST",
    });
    const unknown = await t.app.inject({ method: "PUT", url: "/nothing-here", headers: bearer(ADMIN_KEY) });
    expect(unknown.statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: "GET", url: `${dir.base}/Nope`, headers: bearer(dir.token) })).statusCode,
    ).toBe(404);
  });
});
