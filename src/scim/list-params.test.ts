import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";

const REPEATABLE = [
  "filter=userName pr",
  "sortBy=userName",
  "sortOrder=ascending",
  "attributes=userName",
  "excludedAttributes=title",
  "startIndex=1",
  "count=5",
  "cursor=",
];

describe.each(DIALECTS)("SCIM list parameters of the wrong shape on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
    userId = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "lp@x.com" })).json().id;
    groupId = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "LP" })).json().id;
  });
  afterAll(async () => t?.close());

  const expectInvalidValue = (res: { statusCode: number; body: string; json(): any }, detail: string) => {
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toEqual({ schemas: [SCHEMA.error], status: "400", scimType: "invalidValue", detail });
  };

  it("answers 400 invalidValue to a repeated parameter on lists and on single resources", async () => {
    for (const param of REPEATABLE) {
      const name = param.split("=")[0] ?? "";
      const query = `${encodeURI(param)}&${encodeURI(param)}`;
      expectInvalidValue(await scim("GET", `/Users?${query}`), `${name} must be given once`);
      expectInvalidValue(await scim("GET", `/Groups?${query}`), `${name} must be given once`);
    }
    for (const name of ["attributes", "excludedAttributes"]) {
      expectInvalidValue(
        await scim("GET", `/Users/${userId}?${name}=title&${name}=title`),
        `${name} must be given once`,
      );
      expectInvalidValue(
        await scim("GET", `/Groups/${groupId}?${name}=displayName&${name}=displayName`),
        `${name} must be given once`,
      );
    }
  });

  it("answers 400 to a SearchRequest whose parameters have the wrong JSON type", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ filter: {} }, "filter must be a string"],
      [{ filter: 1 }, "filter must be a string"],
      [{ filter: ["userName pr"] }, "filter must be given once"],
      [{ sortBy: 1 }, "sortBy must be a string"],
      [{ sortOrder: [] }, "sortOrder must be given once"],
      [{ sortOrder: true }, "sortOrder must be a string"],
      [{ startIndex: [1] }, "startIndex must be given once"],
      [{ startIndex: 1.5 }, "startIndex must be an integer"],
      [{ count: {} }, "count must be an integer"],
      [{ attributes: [1] }, "attributes must be an array of attribute names"],
      [{ excludedAttributes: { a: 1 } }, "excludedAttributes must be an array of attribute names"],
    ];
    for (const [body, detail] of cases) {
      expectInvalidValue(await scim("POST", "/Users/.search", body), detail);
      expectInvalidValue(await scim("POST", "/Groups/.search", body), detail);
    }
    const notObject = await scim("POST", "/Users/.search", [1]);
    expect(notObject.statusCode).toBe(400);
    expect(notObject.json().scimType).toBe("invalidSyntax");
  });

  it("still reads well-formed parameters, from a query and from a SearchRequest", async () => {
    const listed = await scim(
      "GET",
      `/Users?filter=${encodeURIComponent('userName eq "lp@x.com"')}&count=5&startIndex=1&attributes=userName`,
    );
    expect(listed.json()).toMatchObject({ totalResults: 1, Resources: [{ userName: "lp@x.com" }] });
    const searched = await scim("POST", "/Users/.search", {
      filter: 'userName eq "lp@x.com"',
      startIndex: 1,
      count: "5",
      sortOrder: "descending",
      attributes: ["userName"],
    });
    expect(searched.statusCode, searched.body).toBe(200);
    expect(searched.json().Resources).toEqual([{ schemas: [SCHEMA.user], id: userId, userName: "lp@x.com" }]);
    expect((await scim("POST", "/Groups/.search", {})).json().totalResults).toBe(1);
  });
});
