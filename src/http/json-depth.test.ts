import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { exceedsJsonDepth, MAX_JSON_DEPTH } from "./json-depth.js";

/** `{"a":{"a":…{}…}}` nested `levels` deep: 2,000 levels is about 12 KB. */
const nestedObject = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${"}".repeat(levels - 1)}`;
const nestedArray = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

describe("exceedsJsonDepth", () => {
  it("counts objects and arrays, not brackets inside strings or escaped quotes", () => {
    expect(exceedsJsonDepth(nestedArray(3), 3)).toBe(false);
    expect(exceedsJsonDepth(nestedArray(4), 3)).toBe(true);
    expect(exceedsJsonDepth(nestedObject(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth(nestedObject(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth(JSON.stringify({ a: "[[[[[{{{{{", b: '\\"[[[[[' }), 2)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify([["x\\"], [["y"]]]), 2)).toBe(true);
  });
});

describe.each(DIALECTS)("deeply nested JSON bodies on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    userId = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "deep@x.com" })).json().id;
    groupId = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Deep" })).json().id;
  });
  afterAll(async () => t?.close());

  const deepUser = (nest: string) => `{"schemas":["${SCHEMA.user}"],"userName":"deep2@x.com","x-custom":${nest}}`;
  const deepGroup = (nest: string) => `{"schemas":["${SCHEMA.group}"],"displayName":"Deep2","x-custom":${nest}}`;
  const deepPatch = (nest: string) =>
    `{"schemas":["${SCHEMA.patch}"],"Operations":[{"op":"add","path":"x-custom","value":${nest}}]}`;

  it("answers 400 invalidSyntax to 2,000 levels in every SCIM write, and changes nothing", async () => {
    for (const nest of [nestedObject(2000), nestedArray(2000)]) {
      const answers = [
        await scim("POST", "/Users", deepUser(nest)),
        await scim("PUT", `/Users/${userId}`, deepUser(nest)),
        await scim("PATCH", `/Users/${userId}`, deepPatch(nest)),
        await scim("POST", "/Groups", deepGroup(nest)),
        await scim("PUT", `/Groups/${groupId}`, deepGroup(nest)),
        await scim("PATCH", `/Groups/${groupId}`, deepPatch(nest)),
        await scim("POST", "/Users/.search", `{"filter":${nest}}`),
        await scim(
          "POST",
          "/Bulk",
          `{"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[{"method":"POST","path":"/Users","data":${deepUser(nest)}}]}`,
        ),
      ];
      for (const res of answers) {
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json()).toMatchObject({
          schemas: [SCHEMA.error],
          status: "400",
          scimType: "invalidSyntax",
          detail: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
        });
      }
    }
    const user = (await scim("GET", `/Users/${userId}`)).json();
    expect(user.userName).toBe("deep@x.com");
    expect(user["x-custom"]).toBeUndefined();
    expect(
      (await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "deep2@x.com"')}`)).json().totalResults,
    ).toBe(0);
  });

  it("still writes the request log entry of a refused deep body", async () => {
    await scim("PATCH", `/Users/${userId}`, deepPatch(nestedObject(2000)));
    const res = await t.app.inject({
      method: "GET",
      url: `/directories/${dir.id}/scim_requests?limit=100`,
      headers: bearer(ADMIN_KEY),
    });
    const entry = res
      .json()
      .data.find((e: { method: string; status: number }) => e.method === "PATCH" && e.status === 400);
    expect(entry).toMatchObject({
      path: `${dir.base}/Users/${userId}`,
      error_detail: expect.stringContaining("deeper than"),
    });
  });

  it("keeps a custom attribute nested within the bound", async () => {
    const res = await scim("POST", "/Users", deepUser(nestedObject(MAX_JSON_DEPTH - 1)));
    expect(res.statusCode, res.body).toBe(201);
  });

  it("answers 400 invalid_json to a deep body on the normalized API", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/organizations",
      headers: { ...bearer(ADMIN_KEY), "content-type": "application/json" },
      payload: `{"name":"x","domains":${nestedArray(2000)}}`,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: "invalid_json",
      message: `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });
});
