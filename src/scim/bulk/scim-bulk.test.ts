import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";

describe.each(DIALECTS)("SCIM /Bulk on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
  });
  afterAll(async () => t?.close());

  it("runs operations in order and resolves bulkId references", async () => {
    const res = await scim("POST", "/Bulk", {
      schemas: [BULK],
      Operations: [
        { method: "POST", path: "/Users", bulkId: "u1", data: { schemas: [SCHEMA.user], userName: "bulk1@x.com" } },
        {
          method: "POST",
          path: "/Groups",
          bulkId: "g1",
          data: { schemas: [SCHEMA.group], displayName: "Bulk Group", members: [{ value: "bulkId:u1" }] },
        },
        {
          method: "PATCH",
          path: "/Users/bulkId:u1",
          data: { schemas: [SCHEMA.patch], Operations: [{ op: "replace", path: "title", value: "Bulked" }] },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    const ops = res.json().Operations;
    expect(ops.map((o: { status: string }) => o.status)).toEqual(["201", "201", "200"]);
    expect(ops[0].location).toMatch(/\/Users\/directory_user_/);
    const groupId = ops[1].location.split("/").at(-1);
    const group = (await scim("GET", `/Groups/${groupId}`)).json();
    expect(group.members.map((m: { display: string }) => m.display)).toEqual(["bulk1@x.com"]);
  });

  it("reports each failure in place and stops after failOnErrors", async () => {
    const res = await scim("POST", "/Bulk", {
      schemas: [BULK],
      failOnErrors: 1,
      Operations: [
        { method: "POST", path: "/Users", bulkId: "dup", data: { schemas: [SCHEMA.user], userName: "bulk1@x.com" } },
        { method: "POST", path: "/Users", bulkId: "never", data: { schemas: [SCHEMA.user], userName: "never@x.com" } },
      ],
    });
    const ops = res.json().Operations;
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ status: "409", response: { status: "409", scimType: "uniqueness" } });
    expect(
      (await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "never@x.com"')}`)).json().totalResults,
    ).toBe(0);
  });

  it("refuses more operations than it advertises with 413 tooMany", async () => {
    const config = (await scim("GET", "/ServiceProviderConfig")).json();
    expect(config.bulk.supported).toBe(true);
    const operations = Array.from({ length: config.bulk.maxOperations + 1 }, (_, i) => ({
      method: "DELETE",
      path: `/Users/x${i}`,
    }));
    const res = await scim("POST", "/Bulk", { schemas: [BULK], Operations: operations });
    expect(res.statusCode).toBe(413);
    expect(res.json().scimType).toBe("tooMany");
  });
});
