import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryStore, type UserInput } from "../directory/index.js";
import { INPUT_LIMITS } from "../directory/input-limits.js";
import { MAX_FILTER_TERMS } from "./filter/index.js";
import { MAX_PATCH_MEMBERS } from "./groups/member-limit.js";

const patch = (...Operations: unknown[]) => ({ schemas: [SCHEMA.patch], Operations });

describe.each(DIALECTS)("what a SCIM client may store, on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  let groupId: string;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    userId = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "limits@x.com" })).json().id;
    groupId = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Limits" })).json().id;
  });
  afterAll(async () => t?.close());

  const expectInvalidValue = (res: { statusCode: number; body: string; json(): any }, detail: string) => {
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
    expect(res.json()).toMatchObject({
      schemas: [SCHEMA.error],
      status: "400",
      scimType: "invalidValue",
      detail: expect.stringContaining(detail),
    });
  };

  it("refuses identifiers and names longer than 1,024 characters", async () => {
    const long = "x".repeat(INPUT_LIMITS.identifierChars + 1);
    expectInvalidValue(
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "x".repeat(100_000) }),
      "userName is longer than 1,024 characters",
    );
    expectInvalidValue(
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "a@x.com", externalId: long }),
      "externalId is longer",
    );
    expectInvalidValue(
      await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "b@x.com", name: { givenName: long } }),
      "name.givenName is longer",
    );
    expectInvalidValue(
      await scim("POST", "/Users", {
        schemas: [SCHEMA.user],
        userName: "c@x.com",
        emails: [{ value: `${long}@x.com` }],
      }),
      "emails is longer",
    );
    expectInvalidValue(
      await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: long }),
      "displayName is longer than 1,024 characters",
    );
    expect((await scim("GET", "/Users")).json().totalResults).toBe(1);
    expect(
      (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "x".repeat(INPUT_LIMITS.identifierChars) }))
        .statusCode,
    ).toBe(201);
  });

  it("refuses other strings over 64 KiB, more than 1,000 values, and a resource over 256 KiB", async () => {
    const user = (extra: Record<string, unknown>) => ({ schemas: [SCHEMA.user], userName: "big@x.com", ...extra });
    expectInvalidValue(
      await scim("POST", "/Users", user({ nickName: "x".repeat(INPUT_LIMITS.stringChars + 1) })),
      "nickName is longer than 65,536 characters",
    );
    const emails = Array.from({ length: 1001 }, (_, i) => ({ value: `u${i}@x.com` }));
    expectInvalidValue(await scim("POST", "/Users", user({ emails })), "emails has more than 1,000 values");
    expectInvalidValue(
      await scim(
        "POST",
        "/Users",
        user({ phoneNumbers: Array.from({ length: 1001 }, (_, i) => ({ value: String(i) })) }),
      ),
      "phoneNumbers has more than 1,000 values",
    );
    const chunks = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`x-note-${i}`, "y".repeat(60_000)]));
    expectInvalidValue(await scim("POST", "/Users", user(chunks)), "(resource) is larger than 256 KiB as JSON");
    expectInvalidValue(
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "G",
        description: "d".repeat(INPUT_LIMITS.stringChars + 1),
      }),
      "description is longer",
    );
  });

  it("refuses a PUT or PATCH that would break a limit, and leaves the resource as it was", async () => {
    const before = (await scim("GET", `/Users/${userId}`)).json();
    expectInvalidValue(
      await scim("PUT", `/Users/${userId}`, { schemas: [SCHEMA.user], userName: "x".repeat(2000) }),
      "userName is longer",
    );
    expectInvalidValue(
      await scim("PATCH", `/Users/${userId}`, patch({ op: "replace", path: "title", value: "t".repeat(2000) })),
      "title is longer",
    );
    expectInvalidValue(
      await scim("PATCH", `/Groups/${groupId}`, patch({ op: "replace", path: "displayName", value: "g".repeat(2000) })),
      "displayName is longer",
    );
    expect((await scim("GET", `/Users/${userId}`)).json()).toEqual(before);
    expect((await scim("GET", `/Groups/${groupId}`)).json().displayName).toBe("Limits");
  });

  it("refuses a filter with more comparisons than the bound as an invalidFilter", async () => {
    const terms = Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => `userName eq "u${i}"`).join(" or ");
    const res = await scim("GET", `/Users?filter=${encodeURIComponent(terms)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      scimType: "invalidFilter",
      detail: `The filter holds more than ${MAX_FILTER_TERMS} comparisons`,
    });
    const fits = Array.from({ length: MAX_FILTER_TERMS }, (_, i) => `userName eq "u${i}"`).join(" or ");
    expect((await scim("GET", `/Users?filter=${encodeURIComponent(fits)}`)).statusCode).toBe(200);
  });

  it(`adds ${MAX_PATCH_MEMBERS.toLocaleString("en-US")} members in one PATCH, and refuses one member more`, async () => {
    const store = createDirectoryStore(t.deps);
    const context = { id: dir.id, organizationId: dir.orgId, deactivatedMembers: "hide" as const };
    const inputs: UserInput[] = Array.from({ length: MAX_PATCH_MEMBERS }, (_, i) => ({
      username: `m${i}@x.com`,
      idpId: null,
      active: true,
      emails: [],
      firstName: null,
      lastName: null,
      jobTitle: null,
      rawAttributes: { userName: `m${i}@x.com` },
    }));
    const ids: string[] = [];
    for (let i = 0; i < inputs.length; i += 1000)
      ids.push(...(await store.users.createMany(context, inputs.slice(i, i + 1000))).map((u) => u.id));
    const tooMany = await scim(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "add", path: "members", value: [...ids, userId].map((value) => ({ value })) }),
    );
    expectInvalidValue(tooMany, "A PATCH may name at most 10,000 members; this one names 10,001");
    const started = performance.now();
    const added = await scim(
      "PATCH",
      `/Groups/${groupId}`,
      patch({ op: "add", path: "members", value: ids.map((value) => ({ value })) }),
    );
    const ms = performance.now() - started;
    expect(added.statusCode, added.body).toBe(204);
    console.log(`${dialect}: one PATCH adding ${ids.length} members took ${Math.round(ms)} ms`);
    const group = await scim("GET", `/Groups/${groupId}?attributes=members`);
    expect(group.json().members).toHaveLength(MAX_PATCH_MEMBERS);
  }, 120_000);
});
