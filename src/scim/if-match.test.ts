import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { pushGroup, pushUser } from "../../test/support/directory-fixtures.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { NO_VERSION, readIfMatch } from "./if-match.js";

describe("reading If-Match", () => {
  it("reads Roster's own tags, weak or strong, as the version they name", () => {
    expect(readIfMatch('W/"3"')).toEqual({ ok: true, version: 3 });
    expect(readIfMatch(' "12" ')).toEqual({ ok: true, version: 12 });
  });

  it("reads no precondition from an absent header or from *", () => {
    expect(readIfMatch(undefined)).toEqual({ ok: true, version: undefined });
    expect(readIfMatch("*")).toEqual({ ok: true, version: undefined });
  });

  it("reads a well-formed tag Roster never issued as a version no resource has", () => {
    for (const header of ['W/"e180ee84f0671b1"', '"abc"', '""', 'W/"0"', '"007"', 'W/"a,b"', 'W/"x" , "y"', '"3.0"']) {
      expect(readIfMatch(header), header).toEqual({ ok: true, version: NO_VERSION });
    }
  });

  it("finds Roster's version in a list of entity tags", () => {
    expect(readIfMatch('"opaque", W/"4"')).toEqual({ ok: true, version: 4 });
    expect(readIfMatch('W/"4",W/"4"')).toEqual({ ok: true, version: 4 });
  });

  it("refuses what is not an entity-tag list as malformed", () => {
    for (const header of ["3", "W/3", 'w/"3"', '"3', "abc", '"a" "b"', ",", "", '"a"b', '*, "3"', '"a"b"']) {
      expect(readIfMatch(header), header).toMatchObject({ ok: false, malformed: true });
    }
  });

  it("refuses a list naming two versions of the resource", () => {
    expect(readIfMatch('W/"3", W/"4"')).toMatchObject({ ok: false, malformed: false });
  });
});

describe.each(DIALECTS)("If-Match over SCIM on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
  });
  afterAll(async () => t?.close());

  const retitle = (title: string) => ({
    schemas: [SCHEMA.patch],
    Operations: [{ op: "replace", path: "title", value: title }],
  });

  it("answers 412 (no scimType) to an entity tag Roster never issued, on every write, and changes nothing", async () => {
    const id = await pushUser(scim, "opaque@x.com", { title: "Before" });
    for (const tag of ['W/"e180ee84f0671b1"', '"xyzzy"', 'W/"0"']) {
      const patch = await scim("PATCH", `/Users/${id}`, retitle("After"), { "if-match": tag });
      expect(patch.statusCode, tag).toBe(412);
      expect(patch.json()).toEqual({ schemas: [SCHEMA.error], status: "412", detail: expect.any(String) });
      expect(
        (
          await scim(
            "PUT",
            `/Users/${id}`,
            { schemas: [SCHEMA.user], userName: "opaque@x.com", title: "After" },
            { "if-match": tag },
          )
        ).statusCode,
      ).toBe(412);
      expect((await scim("DELETE", `/Users/${id}`, undefined, { "if-match": tag })).statusCode).toBe(412);
    }
    expect((await scim("GET", `/Users/${id}`)).json().title).toBe("Before");
  });

  it("answers 412 to an unknown tag on a group's PATCH, PUT and DELETE", async () => {
    const id = await pushGroup(scim, "Opaque Group");
    const headers = { "if-match": 'W/"not-ours"' };
    expect(
      (
        await scim(
          "PATCH",
          `/Groups/${id}`,
          { schemas: [SCHEMA.patch], Operations: [{ op: "replace", path: "displayName", value: "Renamed" }] },
          headers,
        )
      ).statusCode,
    ).toBe(412);
    expect(
      (await scim("PUT", `/Groups/${id}`, { schemas: [SCHEMA.group], displayName: "Renamed" }, headers)).statusCode,
    ).toBe(412);
    expect((await scim("DELETE", `/Groups/${id}`, undefined, headers)).statusCode).toBe(412);
    expect((await scim("GET", `/Groups/${id}`)).json().displayName).toBe("Opaque Group");
  });

  it("applies a write whose If-Match list holds the current tag among foreign ones, and any write under *", async () => {
    const id = await pushUser(scim, "listed@x.com");
    const tag = (await scim("GET", `/Users/${id}`)).headers.etag as string;
    expect((await scim("PATCH", `/Users/${id}`, retitle("One"), { "if-match": `"foreign", ${tag}` })).statusCode).toBe(
      200,
    );
    expect((await scim("PATCH", `/Users/${id}`, retitle("Two"), { "if-match": "*" })).statusCode).toBe(200);
    expect((await scim("GET", `/Users/${id}`)).json().title).toBe("Two");
    expect(
      (await scim("PATCH", "/Users/directory_user_01KA0000000000000000000000", retitle("x"), { "if-match": "*" }))
        .statusCode,
    ).toBe(404);
  });

  it("still answers 400 invalidSyntax to a header that is no entity tag", async () => {
    const id = await pushUser(scim, "malformed@x.com");
    const res = await scim("PATCH", `/Users/${id}`, retitle("x"), { "if-match": "3" });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "400", scimType: "invalidSyntax" });
  });

  it("answers 412 to a bulk operation whose version Roster never issued", async () => {
    const id = await pushUser(scim, "bulked@x.com");
    const res = await scim("POST", "/Bulk", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
      Operations: [{ method: "PATCH", path: `/Users/${id}`, version: 'W/"foreign"', data: retitle("Bulked") }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().Operations[0]).toMatchObject({ status: "412", response: { status: "412" } });
  });
});
