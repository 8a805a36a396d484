import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe.each(DIALECTS)("bad input on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_BODY_LIMIT: "4096" });
    orgId = (
      await t.app.inject({
        method: "POST",
        url: "/organizations",
        headers: bearer(ADMIN_KEY),
        payload: { name: "Acme" },
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const post = (url: string, body: string, contentType = "application/json") =>
    t.app.inject({
      method: "POST",
      url,
      headers: { ...bearer(ADMIN_KEY), "content-type": contentType },
      payload: body,
    });
  const directoryCount = async () =>
    Number(
      (
        await t.storage.db
          .selectFrom("directories")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirst()
      )?.n,
    );

  it("answers 400 invalid_json to malformed JSON", async () => {
    const res = await post("/directories", '{"name": "x",');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("invalid_json");
  });

  it("answers 422 with the field to an unknown field, and writes nothing", async () => {
    const before = await directoryCount();
    const res = await post(
      "/directories",
      JSON.stringify({ organization_id: orgId, name: "x", type: "okta scim v2.0", colour: "red" }),
    );
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "validation_error",
      errors: [{ field: "colour", code: "unknown_field" }],
    });
    expect(await directoryCount()).toBe(before);
  });

  it("answers 422 to mistyped and missing fields, naming each", async () => {
    const res = await post(
      "/directories",
      JSON.stringify({ organization_id: orgId, name: 42, type: "okta scim v2.0", domain: 7 }),
    );
    expect(res.statusCode).toBe(422);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "domain"]));
    const missing = await post("/organizations", JSON.stringify({}));
    expect(missing.statusCode).toBe(422);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: "name", code: "required" })]);
  });

  it("answers 422 to a directory type that does not exist and to a blank name", async () => {
    const res = await post("/directories", JSON.stringify({ organization_id: orgId, name: "x", type: "okta" }));
    expect(res.statusCode).toBe(422);
    const blank = await post(
      "/directories",
      JSON.stringify({ organization_id: orgId, name: "   ", type: "okta scim v2.0" }),
    );
    expect(blank.statusCode).toBe(422);
  });

  it("answers 413 to a body over the configured limit", async () => {
    const res = await post("/organizations", JSON.stringify({ name: "x".repeat(5000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json().code).toBe("payload_too_large");
  });

  it("answers 415 to a content type it does not read", async () => {
    const res = await post("/organizations", "name=x", "application/x-www-form-urlencoded");
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe("unsupported_media_type");
  });

  it("answers 400 to an id of the wrong shape and 404 to a well-formed unknown id", async () => {
    const bad = await t.app.inject({ method: "GET", url: "/directories/../../etc", headers: bearer(ADMIN_KEY) });
    expect([400, 404]).toContain(bad.statusCode);
    const wrongKind = await t.app.inject({ method: "GET", url: `/directories/${orgId}`, headers: bearer(ADMIN_KEY) });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().errors[0].field).toBe("id");
    const unknown = await t.app.inject({
      method: "GET",
      url: "/directories/directory_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      headers: bearer(ADMIN_KEY),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("answers 404 in the error format to an unknown route", async () => {
    const res = await t.app.inject({ method: "GET", url: "/nope", headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("route_not_found");
  });

  it("answers 400 to an unknown query parameter", async () => {
    const res = await t.app.inject({ method: "GET", url: "/directories?colour=red", headers: bearer(ADMIN_KEY) });
    expect(res.statusCode).toBe(400);
  });

  it("answers a typed 400 to a list parameter repeated or malformed, and still takes a repeated multi-valued one", async () => {
    const get = (url: string) => t.app.inject({ method: "GET", url, headers: bearer(ADMIN_KEY) });
    const queries = [
      "limit=1&limit=2",
      "limit=abc",
      "limit=0",
      "limit=1e3",
      "order=asc&order=desc",
      "order=sideways",
      "after=a&after=b",
      "before=a&before=b",
      "after=x",
    ];
    for (const path of ["/directories", "/organizations", "/directory_users", "/directory_groups", "/events"]) {
      for (const query of queries) {
        const res = await get(`${path}?${query}`);
        expect(res.statusCode, `${path}?${query} ${res.body}`).toBe(400);
        expect(res.json().code).toBe("invalid_request");
      }
    }
    expect((await get("/events?events=dsync.user.created&events=dsync.group.created&limit=5")).statusCode).toBe(200);
  });

  it("never answers 500 to a barrage of malformed requests", async () => {
    const bodies = [
      "",
      "null",
      "[]",
      '"x"',
      "{",
      '{"name":null}',
      '{"name":{"$gt":""}}',
      "\u0000",
      '{"__proto__":{"x":1},"name":"p"}',
    ];
    for (const url of ["/organizations", "/directories", `/organizations/${orgId}/api_keys`]) {
      for (const body of bodies) {
        const res = await post(url, body);
        expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBeLessThan(500);
        if (res.statusCode >= 400) expect(res.json().code).toBeTypeOf("string");
      }
    }
  });
});
