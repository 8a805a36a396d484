import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { pushUser } from "../../test/support/directory-fixtures.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

describe.each(DIALECTS)("SCIM paths as IdPs spell them on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    userId = await pushUser(scim, "ada@x.com");
  });
  afterAll(async () => t?.close());

  const lookup = encodeURIComponent('userName eq "ada@x.com"');

  it("answers the userName lookup with a trailing slash before the query, as IdPs send it", async () => {
    const res = await scim("GET", `/Users/?filter=${lookup}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().Resources.map((u: { id: string }) => u.id)).toEqual([userId]);
  });

  it("serves resource names in any letter case, with or without a trailing slash", async () => {
    for (const path of [
      `/users?filter=${lookup}`,
      `/USERS/?filter=${lookup}`,
      "/groups",
      "/GROUPS/",
      "/serviceproviderconfig",
      "/ServiceProviderConfig/",
      "/resourcetypes/user",
      "/schemas/",
      "/ResourceTypes/",
    ]) {
      const res = await scim("GET", path);
      expect(res.statusCode, path).toBe(200);
      expect(res.headers["content-type"], path).toContain("application/scim+json");
    }
    expect((await scim("GET", `/Users?filter=${lookup}`)).json()).toEqual(
      (await scim("GET", `/users/?filter=${lookup}`)).json(),
    );
  });

  it("keeps the letter case of ids: a user is found under lower-case /users, and an id in another case is another id", async () => {
    expect((await scim("GET", `/users/${userId}`)).json().id).toBe(userId);
    expect((await scim("GET", `/Users/${userId}/`)).json().id).toBe(userId);
    expect((await scim("GET", `/users/${userId.toUpperCase()}`)).statusCode).toBe(404);
  });

  it("takes writes, searches and bulk requests at lower-case and slash-ended paths", async () => {
    const created = await scim("POST", "/users/", { schemas: [SCHEMA.user], userName: "lower@x.com" });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const patched = await scim("PATCH", `/users/${id}/`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", path: "title", value: "Lower" }],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().title).toBe("Lower");
    const search = await scim("POST", "/users/.Search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName eq "lower@x.com"',
    });
    expect(search.json().totalResults).toBe(1);
    const group = await scim("POST", "/groups", {
      schemas: [SCHEMA.group],
      displayName: "Lower Group",
      members: [{ value: id }],
    });
    expect(group.statusCode).toBe(201);
    const bulk = await scim("POST", "/bulk/", {
      schemas: [BULK],
      Operations: [{ method: "DELETE", path: `/Users/${id}` }],
    });
    expect(bulk.json().Operations[0].status).toBe("204");
    expect((await scim("DELETE", `/groups/${group.json().id}/`)).statusCode).toBe(204);
  });

  it("authenticates a SCIM base spelled in another case as SCIM, and logs the path as sent", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/SCIM/V2/${dir.id}/Users/?count=1`,
      headers: bearer(dir.token),
    });
    expect(res.statusCode).toBe(200);
    const log = await t.app.inject({
      method: "GET",
      url: `/directories/${dir.id}/scim_requests?limit=100`,
      headers: bearer(ADMIN_KEY),
    });
    expect(log.json().data.map((e: { path: string }) => e.path)).toContain(`/SCIM/V2/${dir.id}/Users/?count=1`);
  });

  it("still answers an unknown SCIM path with a SCIM 404", async () => {
    const res = await scim("GET", "/Userz/");
    expect(res.statusCode).toBe(404);
    expect(res.json().schemas).toEqual([SCHEMA.error]);
  });

  it("serves the normalized API with a trailing slash too", async () => {
    const list = await t.app.inject({ method: "GET", url: "/directories/", headers: bearer(ADMIN_KEY) });
    expect(list.statusCode).toBe(200);
    const one = await t.app.inject({ method: "GET", url: `/directories/${dir.id}/`, headers: bearer(ADMIN_KEY) });
    expect(one.json().id).toBe(dir.id);
    const users = await t.app.inject({
      method: "GET",
      url: `/directory_users/?directory=${dir.id}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(users.statusCode).toBe(200);
  });
});
