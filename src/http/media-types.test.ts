import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("the content-type rule on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let dir: ScimDirectory;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: "media-types-test-key-0123456789abcdef" });
    ({ orgId } = await createOrgWithKey(t.app, "Acme"));
    dir = await createScimDirectory(t.app);
  });
  afterAll(async () => t?.close());

  const post = (url: string, payload: string, contentType?: string) =>
    t.app.inject({
      method: "POST",
      url,
      headers: { ...bearer(ADMIN_KEY), ...(contentType ? { "content-type": contentType } : {}) },
      payload,
    });

  it("answers 415 naming application/json to a JSON body sent as text/plain, and stores nothing", async () => {
    const res = await post("/organizations", JSON.stringify({ name: "Plain text" }), "text/plain");
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      code: "unsupported_media_type",
      message: "Content-Type text/plain is not accepted here; send application/json",
    });
    const list = await t.app.inject({ method: "GET", url: "/organizations?limit=100", headers: bearer(ADMIN_KEY) });
    expect(list.body).not.toContain("Plain text");
  });

  it("names the type it refuses for a form-encoded body and for a body without Content-Type", async () => {
    const form = await post("/organizations", "name=x", "application/x-www-form-urlencoded");
    expect(form.statusCode).toBe(415);
    expect(form.json().message).toBe(
      "Content-Type application/x-www-form-urlencoded is not accepted here; send application/json",
    );
    const none = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(ADMIN_KEY),
      payload: Buffer.from('{"name":"x"}'),
    });
    expect(none.statusCode).toBe(415);
    expect(none.json().message).toBe("The body has no Content-Type; send application/json");
  });

  it("reads application/json with a charset and in any case", async () => {
    const res = await post("/organizations", JSON.stringify({ name: "Charset" }), "Application/JSON; charset=utf-8");
    expect(res.statusCode).toBe(201);
  });

  it("refuses application/scim+json outside the SCIM base", async () => {
    const res = await post("/organizations", JSON.stringify({ name: "x" }), "application/scim+json");
    expect(res.statusCode).toBe(415);
  });

  it("reads application/scim+json and application/json, with parameters, under the SCIM base", async () => {
    const scim = scimClient(t.app, dir);
    const user = { schemas: [SCHEMA.user], userName: "ct1@x.com" };
    expect(
      (await scim("POST", "/Users", user, { "content-type": "application/scim+json; charset=utf-8" })).statusCode,
    ).toBe(201);
    expect(
      (await scim("POST", "/Users", { ...user, userName: "ct2@x.com" }, { "content-type": "application/json" }))
        .statusCode,
    ).toBe(201);
  });

  it("answers a SCIM 415 naming both JSON types to a SCIM body sent as text/plain", async () => {
    const scim = scimClient(t.app, dir);
    const res = await scim(
      "POST",
      "/Users",
      { schemas: [SCHEMA.user], userName: "plain@x.com" },
      { "content-type": "text/plain" },
    );
    expect(res.statusCode).toBe(415);
    expect(res.json()).toEqual({
      schemas: [SCHEMA.error],
      status: "415",
      detail: "Content-Type text/plain is not accepted here; send application/scim+json or application/json",
    });
  });

  it("takes only text/csv on the CSV upload: a JSON body is a 415 and starts no run", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(ADMIN_KEY),
      payload: { organization_id: orgId, name: "HR", type: "csv" },
    });
    expect(created.statusCode, created.body).toBe(201);
    const dirId = created.json().id as string;
    const res = await post(`/directories/${dirId}/csv`, "{}", "application/json");
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toBe("Content-Type application/json is not accepted here; send text/csv");
    const run = await t.app.inject({ method: "GET", url: `/directories/${dirId}/syncs`, headers: bearer(ADMIN_KEY) });
    expect(run.json().data, run.body).toEqual([]);
    const csv = await post(`/directories/${dirId}/csv`, "username\nada\n", "text/csv; charset=utf-8");
    expect(csv.statusCode).toBe(202);
    await t.app.sync.idle();
  });

  it("serves a body-less DELETE whatever its Content-Type says", async () => {
    const org = await post("/organizations", JSON.stringify({ name: "Doomed" }), "application/json");
    const res = await t.app.inject({
      method: "DELETE",
      url: `/organizations/${org.json().id}`,
      headers: { ...bearer(ADMIN_KEY), "content-type": "text/plain" },
    });
    expect(res.statusCode).toBeLessThan(300);
  });
});
