import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";
import { createDirectoryService } from "../../tenancy/directories.js";

describe.each(DIALECTS)("SCIM /Groups on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  const userIds: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    for (let i = 0; i < 5; i++)
      userIds.push((await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `member${i}@x.com` })).json().id);
  });
  afterAll(async () => t?.close());

  const events = async (type: string) =>
    (
      await t.storage.db
        .selectFrom("events")
        .select("data")
        .where("directory_id", "=", dir.id)
        .where("event", "=", type)
        .orderBy("seq")
        .execute()
    ).map((e) => JSON.parse(e.data));

  it("refuses a second group with the same displayName in another case", async () => {
    expect((await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Admins" })).statusCode).toBe(201);
    const dup = await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "ADMINS" });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().scimType).toBe("uniqueness");
  });

  it("answers the IdPs' displayName lookup exactly as the general filter path does", async () => {
    // `displayName eq` alone takes one indexed query; adding `and displayName pr` takes the general path.
    const group = (
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Looked Up",
        externalId: "ext-lookup",
        members: [{ value: userIds[2] }],
      })
    ).json();
    const cases: [string, string][] = [
      ['displayName eq "LOOKED UP"', ""],
      ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName eq "looked up"', ""],
      ['displayName eq "Looked Up"', "&excludedAttributes=members"],
      ['displayName eq "Looked Up"', "&attributes=displayName"],
      ['displayName eq "nobody"', ""],
      ['displayName eq "Looked Up"', "&count=0"],
      ['displayName eq "Looked Up"', "&startIndex=2"],
    ];
    for (const [filter, extra] of cases) {
      const lookup = await scim("GET", `/Groups?filter=${encodeURIComponent(filter)}${extra}`);
      const general = await scim("GET", `/Groups?filter=${encodeURIComponent(`${filter} and displayName pr`)}${extra}`);
      expect(lookup.statusCode, filter + extra).toBe(200);
      expect(lookup.json(), filter + extra).toEqual(general.json());
    }
    const found = (await scim("GET", `/Groups?filter=${encodeURIComponent('displayName eq "looked up"')}`)).json();
    expect(found).toMatchObject({
      totalResults: 1,
      itemsPerPage: 1,
      Resources: [{ id: group.id, displayName: "Looked Up", members: [{ value: userIds[2] }] }],
    });
    expect((await scim("GET", `/Groups?filter=${encodeURIComponent('displayName eq "nobody"')}`)).json()).toMatchObject(
      { totalResults: 0, Resources: [] },
    );
    expect((await scim("DELETE", `/Groups/${group.id}`)).statusCode).toBe(204);
  });

  it("lands every one of many concurrent member pushes to one group, with one event per real change, and keeps a concurrent rename", async () => {
    const many: string[] = [];
    for (let i = 0; i < 30; i++)
      many.push((await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: `pushed${i}@x.com` })).json().id);
    const add = (groupId: string, userId: string) =>
      scim("PATCH", `/Groups/${groupId}`, {
        schemas: [SCHEMA.patch],
        Operations: [{ op: "add", path: "members", value: [{ value: userId }] }],
      });
    for (const roles of [false, true]) {
      // With a role mapping, member changes take the transaction (the group row locked); without, one statement on PostgreSQL.
      if (roles)
        await createDirectoryService(t.deps).update(dir.id, null, {
          role_mapping: [{ group: "Renamed busy", role: "busy", priority: 1 }],
        });
      const group = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: `Busy ${roles}` })).json();
      const rename = scim("PATCH", `/Groups/${group.id}`, {
        schemas: [SCHEMA.patch],
        Operations: [{ op: "replace", path: "displayName", value: roles ? "Renamed busy" : "Renamed" }],
      });
      const results = await Promise.all([
        ...many.map((userId) => add(group.id, userId)),
        ...Array.from({ length: 5 }, () => add(group.id, many[0] as string)),
        rename,
      ]);
      expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 204));
      const after = (await scim("GET", `/Groups/${group.id}`)).json();
      expect(after.displayName).toBe(roles ? "Renamed busy" : "Renamed");
      expect(after.members.map((m: { value: string }) => m.value).sort()).toEqual([...many].sort());
      const added = (await events("dsync.group.user_added"))
        .filter((e) => e.group.id === group.id)
        .map((e) => e.user.id);
      expect(added.sort()).toEqual([...many].sort());
      if (roles) {
        const withRole = await t.storage.db
          .selectFrom("directory_users")
          .select("role")
          .where("id", "in", many)
          .execute();
        expect(withRole.every((u) => u.role === "busy")).toBe(true);
      }
    }
    await createDirectoryService(t.deps).update(dir.id, null, { role_mapping: [] });
  });

  it("applies every one of many concurrent attribute PATCHes of one group, each to the group as the previous one left it", async () => {
    const group = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Renamed often" })).json();
    const names = Array.from({ length: 12 }, (_, i) => `Name ${i}`);
    const results = await Promise.all([
      ...names.map((value) =>
        scim("PATCH", `/Groups/${group.id}`, {
          schemas: [SCHEMA.patch],
          Operations: [{ op: "replace", path: "displayName", value }],
        }),
      ),
      // Sets the name the group already has when read, plus a member: still a rename, if another landed first.
      scim("PATCH", `/Groups/${group.id}`, {
        schemas: [SCHEMA.patch],
        Operations: [
          { op: "replace", path: "displayName", value: "Renamed often" },
          { op: "add", path: "members", value: [{ value: userIds[4] }] },
        ],
      }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 204));
    const updated = (await events("dsync.group.updated")).filter((e) => e.id === group.id).map((e) => e.name);
    const after = (await scim("GET", `/Groups/${group.id}`)).json();
    expect(after.displayName).toBe(updated.at(-1));
    expect(after.members).toEqual([expect.objectContaining({ value: userIds[4] })]);
    // Each rename was applied to the name the previous one left, so every one wrote its event.
    expect(updated.filter((name) => names.includes(name)).sort()).toEqual([...names].sort());
    expect(after.meta.version).toBe('W/"14"'); // created at 1, then one version per PATCH
  });

  it("writes user_added and user_removed events per member, only for real changes", async () => {
    const group = (
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Evented",
        members: [{ value: userIds[0] }],
      })
    ).json();
    await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "add", path: "members", value: [{ value: userIds[0] }, { value: userIds[1] }] }],
    });
    await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "remove", path: `members[value eq "${userIds[0]}"]` }],
    });
    const added = (await events("dsync.group.user_added")).filter((e) => e.group.id === group.id).map((e) => e.user.id);
    const removed = (await events("dsync.group.user_removed"))
      .filter((e) => e.group.id === group.id)
      .map((e) => e.user.id);
    expect(added).toEqual([userIds[0], userIds[1]]);
    expect(removed).toEqual([userIds[0]]);
  });

  it("answers an unknown member id with 400 invalidValue and changes nothing", async () => {
    const group = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Strict" })).json();
    const res = await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        {
          op: "add",
          path: "members",
          value: [{ value: userIds[2] }, { value: "directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV" }],
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().scimType).toBe("invalidValue");
    expect((await scim("GET", `/Groups/${group.id}`)).json().members).toEqual([]);
  });

  it("filters groups by member and lists a user's groups on the user", async () => {
    const group = (
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Filtered",
        members: [{ value: userIds[3] }],
      })
    ).json();
    const res = await scim(
      "GET",
      `/Groups?filter=${encodeURIComponent(`members[value eq "${userIds[3]}"]`)}&excludedAttributes=members`,
    );
    expect(res.json().Resources.map((g: { id: string }) => g.id)).toEqual([group.id]);
    const user = (await scim("GET", `/Users/${userIds[3]}`)).json();
    expect(user.groups).toEqual([expect.objectContaining({ value: group.id, display: "Filtered" })]);
  });

  it("streams a large group's members in one valid document", async () => {
    const group = (await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Everyone" })).json();
    const many: string[] = [];
    for (let i = 0; i < 1100; i += 100) {
      const batch = [];
      for (let j = i; j < i + 100; j++)
        batch.push({
          method: "POST",
          path: "/Users",
          bulkId: `b${j}`,
          data: { schemas: [SCHEMA.user], userName: `bulk-${j}@x.com` },
        });
      const ops = (
        await scim("POST", "/Bulk", {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
          Operations: batch,
        })
      ).json().Operations;
      many.push(...ops.map((o: { location: string }) => o.location.split("/").at(-1)));
    }
    const add = await scim("PATCH", `/Groups/${group.id}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "add", path: "members", value: many.map((value) => ({ value })) }],
    });
    expect(add.statusCode).toBe(204);
    const res = await scim("GET", `/Groups/${group.id}`);
    expect(res.headers["content-type"]).toContain("application/scim+json");
    const body = res.json();
    expect(body.members).toHaveLength(1100);
    expect(new Set(body.members.map((m: { value: string }) => m.value))).toEqual(new Set(many));
    const list = await scim("GET", `/Groups?filter=${encodeURIComponent('displayName eq "Everyone"')}`);
    expect(list.json().Resources[0].members).toHaveLength(1100);
  });
});
