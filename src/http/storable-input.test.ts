import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

/** U+0000, and lone surrogates as JSON escapes (JSON.stringify would keep them escaped too). */
const NUL = "\u0000";
const LONE_HIGH = "\\ud800";
const LONE_LOW = "\\udc00";

describe.each(DIALECTS)("U+0000 and unpaired surrogates on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    userId = (
      await scim("POST", "/Users", {
        schemas: [SCHEMA.user, SCHEMA.enterprise],
        userName: "ok@x.com",
        [SCHEMA.enterprise]: { department: "R&D" },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const expectScimInvalidValue = (res: { statusCode: number; body: string; json(): any }) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "400", scimType: "invalidValue" });
  };

  it("refuses them anywhere in a SCIM body, value or key, and stores nothing", async () => {
    const bodies = [
      JSON.stringify({ schemas: [SCHEMA.user], userName: `a${NUL}b@x.com` }),
      `{"schemas":["${SCHEMA.user}"],"userName":"s${LONE_HIGH}@x.com"}`,
      `{"schemas":["${SCHEMA.user}"],"userName":"t@x.com","name":{"givenName":"x${LONE_LOW}"}}`,
      JSON.stringify({
        schemas: [SCHEMA.user, SCHEMA.enterprise],
        userName: "e@x.com",
        [SCHEMA.enterprise]: { department: `R${NUL}D` },
      }),
      JSON.stringify({ schemas: [SCHEMA.user], userName: "k@x.com", [`x${NUL}`]: "key" }),
    ];
    for (const body of bodies) expectScimInvalidValue(await scim("POST", "/Users", body));
    expectScimInvalidValue(
      await scim("POST", "/Groups", JSON.stringify({ schemas: [SCHEMA.group], displayName: `G${NUL}` })),
    );
    expectScimInvalidValue(
      await scim("PUT", `/Users/${userId}`, JSON.stringify({ schemas: [SCHEMA.user], userName: `ok${NUL}@x.com` })),
    );
    expectScimInvalidValue(
      await scim(
        "PATCH",
        `/Users/${userId}`,
        `{"schemas":["${SCHEMA.patch}"],"Operations":[{"op":"replace","path":"title","value":"x${LONE_HIGH}"}]}`,
      ),
    );
    expect((await scim("GET", "/Users")).json().totalResults).toBe(1);
    expect((await scim("GET", `/Users/${userId}`)).json().title).toBeUndefined();
  });

  it("keeps every enterprise-extension filter answering once such a value was refused", async () => {
    await scim(
      "POST",
      "/Users",
      JSON.stringify({
        schemas: [SCHEMA.user, SCHEMA.enterprise],
        userName: "e2@x.com",
        [SCHEMA.enterprise]: { department: `R${NUL}D` },
      }),
    );
    const res = await scim("GET", `/Users?filter=${encodeURIComponent(`${SCHEMA.enterprise}:department eq "R&D"`)}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().totalResults).toBe(1);
  });

  it("refuses them in a SCIM path id, a filter and any other query parameter", async () => {
    expectScimInvalidValue(await scim("GET", "/Users/a%00b"));
    expectScimInvalidValue(await scim("DELETE", "/Groups/a%00b"));
    expectScimInvalidValue(await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "a${NUL}"`)}`));
    expectScimInvalidValue(await scim("GET", "/Users?attributes=user%00Name"));
    expectScimInvalidValue(await scim("POST", "/Users/.search", JSON.stringify({ filter: `userName eq "a${NUL}"` })));
  });

  it("answers a typed 400 on the normalized API: body, query string and path", async () => {
    const org = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: bearer(ADMIN_KEY),
      payload: { name: `Acme${NUL}` },
    });
    expect(org.statusCode, org.body).toBe(400);
    expect(org.json()).toMatchObject({
      code: "invalid_value",
      errors: [{ field: "name", code: "invalid_characters" }],
    });
    const surrogate = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: { ...bearer(ADMIN_KEY), "content-type": "application/json" },
      payload: `{"name":"Acme${LONE_HIGH}"}`,
    });
    expect(surrogate.statusCode).toBe(400);
    const search = await t.app.inject({ method: "GET", url: "/directories?search=a%00", headers: bearer(ADMIN_KEY) });
    expect(search.statusCode, search.body).toBe(400);
    expect(search.json()).toMatchObject({ code: "invalid_value", errors: [{ field: "search" }] });
    const email = await t.app.inject({
      method: "GET",
      url: `/directory_users?directory=${dir.id}&email=a%00`,
      headers: bearer(ADMIN_KEY),
    });
    expect(email.statusCode).toBe(400);
    const path = await t.app.inject({ method: "GET", url: "/organizations/org_%00", headers: bearer(ADMIN_KEY) });
    expect(path.statusCode).toBe(400);
  });
});
