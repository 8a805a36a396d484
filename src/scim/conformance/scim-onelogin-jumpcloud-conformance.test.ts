import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, liveScimClient, SCHEMA, type ScimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";

// OneLogin's template-driven bodies (the legacy SCIM 1.0 core URN, "true"/"false" strings, a null id, empty strings
// for unmapped fields) and JumpCloud's Test Connection (create a test user and group, then delete both);
// sent over real HTTP to a listening server.
describe.each(DIALECTS)("OneLogin and JumpCloud on %s", (dialect) => {
  let t: TestApp;
  let scim: ScimClient;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const dir = await createScimDirectory(t.app, { type: "onelogin scim v2.0" });
    scim = liveScimClient(await t.app.listen({ host: "127.0.0.1", port: 0 }), dir);
  });
  afterAll(async () => t?.close());

  it("accepts OneLogin's legacy core URN, string booleans, null id and empty strings for unmapped fields", async () => {
    const res = await scim("POST", "/Users", {
      schemas: ["urn:scim:schemas:core:1.0"],
      id: null,
      userName: "jane@onelogin.example",
      name: { givenName: "Jane", familyName: "" },
      title: "",
      emails: [{ value: "jane@onelogin.example", primary: "true" }],
      active: "true",
      [SCHEMA.enterprise]: { department: "", manager: { value: "", displayName: "" } },
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    expect(user).toMatchObject({
      userName: "jane@onelogin.example",
      active: true,
      name: { givenName: "Jane" },
      emails: [{ value: "jane@onelogin.example", primary: true }],
    });
    expect(user).not.toHaveProperty("title");
    expect(user.name).not.toHaveProperty("familyName");
    const deactivated = await scim("PUT", `/Users/${user.id}`, {
      schemas: ["urn:scim:schemas:core:1.0"],
      userName: "jane@onelogin.example",
      active: "false",
    });
    expect(deactivated.statusCode).toBe(200);
    expect(deactivated.json().active).toBe(false);
  });

  it("passes JumpCloud's Test Connection: create a test user and group, then delete both", async () => {
    const user = await scim("POST", "/Users", {
      schemas: [SCHEMA.user],
      userName: "jumpcloud-test@example.com",
      emails: [{ value: "jumpcloud-test@example.com", primary: true }],
    });
    const group = await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "JumpCloud Test Group" });
    expect([user.statusCode, group.statusCode]).toEqual([201, 201]);
    expect((await scim("DELETE", `/Users/${user.json().id}`)).statusCode).toBe(204);
    expect((await scim("DELETE", `/Groups/${group.json().id}`)).statusCode).toBe(204);
  });
});

describe.each(DIALECTS)("concurrent SCIM traffic on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it("never lets concurrent requests to different directories see each other's data", async () => {
    const dirs = await Promise.all([0, 1, 2, 3].map(() => createScimDirectory(t.app)));
    const url = await t.app.listen({ host: "127.0.0.1", port: 0 });
    const clients = dirs.map((d) => liveScimClient(url, d));
    await Promise.all(
      clients.flatMap((scim, d) =>
        Array.from({ length: 15 }, (_, i) =>
          scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `dir${d}-user${i}@x.com` }),
        ),
      ),
    );
    const lists = await Promise.all(clients.map((scim) => scim("GET", "/Users?count=100")));
    lists.forEach((res, d) => {
      const names: string[] = res.json().Resources.map((u: { userName: string }) => u.userName);
      expect(names).toHaveLength(15);
      expect(names.every((n) => n.startsWith(`dir${d}-`))).toBe(true);
    });
  });
});
