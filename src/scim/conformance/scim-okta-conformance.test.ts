import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, liveScimClient, SCHEMA, type ScimClient } from "../../../test/support/scim-client.js";
import { bearer, createTestApp, type TestApp } from "../../../test/support/test-app.js";

// Okta's provisioning and OIN test sequence as Okta sends it: an existence lookup by userName filter, creates
// with a password never answered, GET-then-PUT updates, deactivation by a path-less replace of active, group
// pushes that rename and change members in one PATCH; sent over real HTTP to a listening server.
describe.each(DIALECTS)("Okta provisioning on %s", (dialect) => {
  let t: TestApp;
  let scim: ScimClient;
  let url: string;
  let base: string;
  let userId: string;
  let groupId: string;
  const okta = { "user-agent": "Okta SCIM Client 1.0.0", accept: "application/scim+json" };

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const dir = await createScimDirectory(t.app, { type: "okta scim v2.0" });
    base = dir.base;
    url = await t.app.listen({ host: "127.0.0.1", port: 0 });
    scim = liveScimClient(url, dir);
  });
  afterAll(async () => t?.close());

  it("answers the existence lookup with integers and an empty Resources list", async () => {
    const res = await scim(
      "GET",
      "/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100",
      undefined,
      okta,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      schemas: [SCHEMA.list],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it("creates a user from Okta's body, never returning the password and ignoring groups", async () => {
    const res = await scim(
      "POST",
      "/Users",
      {
        schemas: [SCHEMA.user],
        userName: "test.user@okta.local",
        name: { givenName: "Test", familyName: "User" },
        emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
        displayName: "Test User",
        locale: "en-US",
        externalId: "00ujl29u0le5T6Aj10h7",
        groups: [],
        password: "1mz050nq",
        active: true,
      },
      { ...okta, "content-type": "application/json" },
    );
    expect(res.statusCode).toBe(201);
    userId = res.json().id;
    expect(res.json()).toMatchObject({
      userName: "test.user@okta.local",
      active: true,
      name: { givenName: "Test", familyName: "User" },
      emails: [{ value: "test.user@okta.local" }],
    });
    expect(res.body).not.toContain("1mz050nq");
    expect(res.json()).not.toHaveProperty("password");
  });

  it("answers the same create again with 409 uniqueness", async () => {
    const res = await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "TEST.USER@okta.local" });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "409", scimType: "uniqueness" });
    expect(res.json().detail).toBeTruthy();
  });

  it("imports users page by page in the same order whatever the page size", async () => {
    for (let i = 0; i < 4; i++)
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `import-${i}@okta.local` });
    const whole = (await scim("GET", "/Users?startIndex=1&count=100")).json();
    const pages = [];
    for (let start = 1; start <= whole.totalResults; start += 2)
      pages.push(...(await scim("GET", `/Users?startIndex=${start}&count=2`)).json().Resources);
    expect(pages.map((u: { id: string }) => u.id)).toEqual(whole.Resources.map((u: { id: string }) => u.id));
    expect(typeof whole.totalResults).toBe("number");
  });

  it("updates with GET then PUT of the whole user, id and meta included", async () => {
    const current = (await scim("GET", `/Users/${userId}`)).json();
    const res = await scim("PUT", `/Users/${userId}`, {
      ...current,
      name: { givenName: "Another", familyName: "User" },
      groups: [],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().name).toEqual({ givenName: "Another", familyName: "User" });
    expect(res.json().id).toBe(userId);
  });

  it("deactivates with a path-less replace of active, and reactivates", async () => {
    const off = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { active: false } }],
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    const on = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { active: true } }],
    });
    expect(on.json().active).toBe(true);
  });

  it("pushes a group, renames it with its id inside the value, and changes members in one request", async () => {
    const created = await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Test Group", members: [] });
    expect(created.statusCode).toBe(201);
    groupId = created.json().id;
    const other = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "other@okta.local" })).json().id;

    const renamed = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", value: { id: groupId, displayName: "Renamed Group" } }],
    });
    expect(renamed.statusCode).toBe(204);

    const members = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        { op: "remove", path: `members[value eq "${other}"]` },
        {
          op: "add",
          path: "members",
          value: [
            { value: userId, display: "test.user@okta.local" },
            { value: other, display: "other@okta.local" },
          ],
        },
      ],
    });
    expect(members.statusCode).toBe(204);
    let group = (await scim("GET", `/Groups/${groupId}`)).json();
    expect(group.displayName).toBe("Renamed Group");
    expect(group.members.map((m: { value: string }) => m.value).sort()).toEqual([userId, other].sort());

    const emptied = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", path: "members", value: [] }],
    });
    expect(emptied.statusCode).toBe(204);
    group = (await scim("GET", `/Groups/${groupId}`)).json();
    expect(group.members).toEqual([]);
  });

  it("replaces a group's members with PUT, as custom Okta apps do", async () => {
    const res = await scim("PUT", `/Groups/${groupId}`, {
      schemas: [SCHEMA.group],
      displayName: "Renamed Group",
      members: [{ value: userId, display: "test.user@okta.local" }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().members.map((m: { value: string }) => m.value)).toEqual([userId]);
  });

  it("answers an unknown id with 404, detail and the error schema", async () => {
    const res = await scim("GET", "/Users/010101001010101011001010101011");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "404" });
    expect(res.json().detail).toBeTruthy();
  });

  it("answers a non-token Authorization with 401 and a JSON error body", async () => {
    const res = await fetch(`${url}${base}/Users`, {
      headers: { authorization: "non-token" },
      signal: AbortSignal.timeout(15_000),
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { detail?: string };
    expect(body).toMatchObject({ schemas: [SCHEMA.error], status: "401" });
    expect(body.detail).toBeTruthy();
    const wrong = await fetch(`${url}${base}/Users`, {
      headers: bearer("scim_not-the-token"),
      signal: AbortSignal.timeout(15_000),
    });
    expect(wrong.status).toBe(401);
  });

  it("unlinks a group with DELETE", async () => {
    expect((await scim("DELETE", `/Groups/${groupId}`)).statusCode).toBe(204);
    expect((await scim("GET", `/Groups/${groupId}`)).statusCode).toBe(404);
  });
});
