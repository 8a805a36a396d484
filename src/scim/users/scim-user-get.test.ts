import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";
import { immediateReadsOf } from "../../storage/immediate-reads.js";

type Resource = Record<string, unknown> & { id: string; meta: { version: string } };

// GET /Users/{id} reads the few columns a resource shows in one statement (run at once on SQLite, sent straight to the pool on PostgreSQL:
// storage/immediate-reads.ts); a list page of several users reads through Kysely's executor, the
// store's read (`excludedAttributes=groups`) the whole row. All must answer the same resource.
describe.each(DIALECTS)("SCIM GET /Users/{id} on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  const ids: Record<string, string> = {};
  let groupId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    const people = [
      {
        schemas: [SCHEMA.user, SCHEMA.enterprise],
        userName: "ada@x.com",
        externalId: "ext-ada",
        name: { givenName: "Ada", familyName: "Lovelace" },
        emails: [{ value: "ada@x.com", type: "work", primary: true }],
        [SCHEMA.enterprise]: { department: "Engines", employeeNumber: "7" },
      },
      { schemas: [SCHEMA.user], userName: "ben@x.com", active: false, name: { givenName: "Ben" } },
    ];
    for (const p of people) ids[p.userName] = (await scim("POST", "/Users", p)).json().id;
    groupId = (
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Analysts",
        members: [{ value: ids["ada@x.com"] }],
      })
    ).json().id;
  });
  afterAll(async () => t?.close());

  const get = async (name: string, query = "") => {
    const res = await scim("GET", `/Users/${ids[name]}${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return { resource: res.json() as Resource, etag: res.headers.etag };
  };

  it("answers the user with its enterprise extension, its groups, meta and the ETag of its version", async () => {
    const { resource, etag } = await get("ada@x.com");
    expect(resource).toEqual({
      schemas: [SCHEMA.user, SCHEMA.enterprise],
      id: ids["ada@x.com"],
      externalId: "ext-ada",
      name: { givenName: "Ada", familyName: "Lovelace" },
      emails: [{ value: "ada@x.com", type: "work", primary: true }],
      [SCHEMA.enterprise]: { department: "Engines", employeeNumber: "7" },
      userName: "ada@x.com",
      active: true,
      groups: [
        {
          value: groupId,
          display: "Analysts",
          $ref: `http://roster.test${dir.base}/Groups/${groupId}`,
          type: "direct",
        },
      ],
      meta: {
        resourceType: "User",
        created: expect.any(String),
        lastModified: expect.any(String),
        location: `http://roster.test${dir.base}/Users/${ids["ada@x.com"]}`,
        version: etag,
      },
    });
    expect(etag).toMatch(/^W\/"\d+"$/);
    const again = await scim("GET", `/Users/${ids["ada@x.com"]}`, undefined, { "if-none-match": String(etag) });
    expect(again.statusCode).toBe(304);
    expect((await get("ben@x.com")).resource).toMatchObject({ schemas: [SCHEMA.user], active: false, groups: [] });
  });

  it("answers what a list page and the store's own read answer, user by user", async () => {
    const page = (await scim("GET", `/Users?filter=${encodeURIComponent('userName ew "@x.com"')}`)).json()
      .Resources as Resource[];
    expect(page).toHaveLength(2);
    for (const listed of page) {
      const name = String(listed.userName);
      expect((await get(name)).resource).toEqual(listed);
      const { groups: _groups, ...withoutGroups } = listed;
      expect((await get(name, "?excludedAttributes=groups")).resource).toEqual(withoutGroups);
    }
  });

  it("applies attributes and excludedAttributes, extension attributes included", async () => {
    expect((await get("ada@x.com", "?attributes=userName,groups")).resource).toEqual({
      schemas: [SCHEMA.user, SCHEMA.enterprise],
      id: ids["ada@x.com"],
      userName: "ada@x.com",
      groups: [expect.objectContaining({ value: groupId })],
    });
    expect((await get("ada@x.com", `?attributes=${SCHEMA.enterprise}:department`)).resource).toEqual({
      schemas: [SCHEMA.user, SCHEMA.enterprise],
      id: ids["ada@x.com"],
      [SCHEMA.enterprise]: { department: "Engines" },
    });
    const excluded = (await get("ada@x.com", "?excludedAttributes=emails,meta")).resource;
    expect(excluded).not.toHaveProperty("emails");
    expect(excluded).not.toHaveProperty("meta");
    expect(excluded).toHaveProperty("groups");
  });

  it("follows a change: the new version, its ETag and its groups", async () => {
    const before = await get("ben@x.com");
    const patched = await scim("PATCH", `/Users/${ids["ben@x.com"]}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "replace", path: "active", value: true }],
    });
    expect(patched.statusCode).toBe(200);
    await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "add", path: "members", value: [{ value: ids["ben@x.com"] }] }],
    });
    const after = await get("ben@x.com");
    expect(after.etag).not.toBe(before.etag);
    expect(after.etag).toBe(patched.headers.etag);
    expect(after.resource).toMatchObject({ active: true, groups: [expect.objectContaining({ value: groupId })] });
  });

  it("answers 404 for a deleted user, and for another directory's user", async () => {
    const doomed = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "gone@x.com" })).json().id;
    expect((await scim("DELETE", `/Users/${doomed}`)).statusCode).toBe(204);
    const other = await createScimDirectory(t.app);
    const stranger = scimClient(t.app, other);
    for (const [client, id] of [
      [scim, doomed],
      [stranger, ids["ada@x.com"]],
    ] as const) {
      for (const query of ["", "?excludedAttributes=groups"]) {
        const res = await client("GET", `/Users/${id}${query}`);
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "404" });
      }
    }
  });

  it(
    dialect === "sqlite" ? "reads at once on SQLite's idle connection" : "reads straight through PostgreSQL's pool",
    async () => {
      const reads = immediateReadsOf(t.deps.db);
      if (!reads) throw new Error("both backends offer immediate reads");
      const spy = vi.spyOn(reads, "rows");
      try {
        await get("ada@x.com");
        const answered = await Promise.all(spy.mock.results.map((r) => r.value as unknown));
        expect(answered.some((rows) => Array.isArray(rows) && rows.length === 1)).toBe(true);
      } finally {
        spy.mockRestore();
      }
    },
  );
});
