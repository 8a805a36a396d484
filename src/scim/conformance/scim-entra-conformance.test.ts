import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import {
  createScimDirectory,
  liveScimClient,
  SCHEMA,
  type ScimClient,
  type ScimDirectory,
} from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";

// Microsoft Entra ID's provisioning sequence as Entra sends it: a Test Connection filter on a random GUID,
// capitalised PATCH ops ("Replace"), path-less values with dotted and URN keys, the manager as a bare id,
// members added and removed by filtered paths, application/json bodies; sent over real HTTP to a listening server.
describe.each(DIALECTS)("Microsoft Entra ID provisioning on %s", (dialect) => {
  let t: TestApp;
  let scim: ScimClient;
  let dir: ScimDirectory;
  let userId: string;
  let managerId: string;
  let groupId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app, { type: "azure scim v2.0" });
    scim = liveScimClient(await t.app.listen({ host: "127.0.0.1", port: 0 }), dir);
  });
  afterAll(async () => t?.close());

  it("answers Test Connection's random-GUID filter with 200 and an empty list", async () => {
    const res = await scim("GET", "/Users?filter=userName+eq+%2299f6c48b-8a1b-4c8f-9b0e-6f8b9e1f7d3a%22");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("application/scim+json");
    expect(res.json()).toMatchObject({ schemas: [SCHEMA.list], totalResults: 0, Resources: [] });
  });

  it("creates a user as Entra sends it, nulls and all", async () => {
    const res = await scim("POST", "/Users", {
      schemas: [SCHEMA.user, SCHEMA.enterprise],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
      active: true,
      addresses: null,
      phoneNumbers: null,
      title: null,
      emails: [{ primary: true, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
      roles: [],
      [SCHEMA.enterprise]: { department: "Engineering" },
    });
    expect(res.statusCode).toBe(201);
    const user = res.json();
    userId = user.id;
    expect(user).toMatchObject({
      userName: "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.com",
      active: true,
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    });
    expect(user.meta).toMatchObject({
      resourceType: "User",
      location: `http://roster.test${dir.base}/Users/${user.id}`,
    });
    expect(user.meta.version).toMatch(/^W\/"\d+"$/);
    expect(res.headers.etag).toBe(user.meta.version);
    expect(user).not.toHaveProperty("title");
    const manager = await scim("POST", "/Users", {
      schemas: [SCHEMA.user],
      userName: "manager@contoso.com",
      active: true,
    });
    managerId = manager.json().id;
  });

  it("matches before create by externalId, by userName in another case, and by work email", async () => {
    for (const filter of [
      'externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"',
      'userName eq "TEST_USER_AB6490EE-1E48-479E-A20B-2D77186B5DD1@CONTOSO.COM"',
      'emails[type eq "work"].value eq "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"',
    ]) {
      const res = await scim("GET", `/Users?filter=${encodeURIComponent(filter)}`);
      expect(res.statusCode, filter).toBe(200);
      expect(
        res.json().Resources.map((u: { id: string }) => u.id),
        filter,
      ).toEqual([userId]);
    }
  });

  it("updates multi-valued and single-valued attributes with capitalised ops in one request", async () => {
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
        { op: "Add", path: "nickName", value: "Babs" },
      ],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().emails).toEqual([{ primary: true, type: "work", value: "updatedEmail@microsoft.com" }]);
    expect(res.json().name.familyName).toBe("updatedFamilyName");
    expect(res.json().nickName).toBe("Babs");
  });

  it("replaces several attributes with a path-less value of dotted and URN keys", async () => {
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        {
          op: "replace",
          value: {
            displayName: "Updated Name",
            "name.givenName": "Updated",
            "name.familyName": "Name",
            [`${SCHEMA.enterprise}:employeeNumber`]: "701984",
          },
        },
      ],
    });
    expect(res.statusCode).toBe(200);
    const user = res.json();
    expect(user).toMatchObject({ displayName: "Updated Name", name: { givenName: "Updated", familyName: "Name" } });
    expect(user[SCHEMA.enterprise]).toMatchObject({ department: "Engineering", employeeNumber: "701984" });
  });

  it("sets the manager from a bare id string, answers it in complex form, and removes it by empty value", async () => {
    const set = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Add", path: `${SCHEMA.enterprise}:manager`, value: managerId }],
    });
    expect(set.statusCode).toBe(200);
    expect(set.json()[SCHEMA.enterprise].manager).toMatchObject({ value: managerId });
    const removed = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Replace", path: `${SCHEMA.enterprise}:manager`, value: "" }],
    });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()[SCHEMA.enterprise].manager).toBeUndefined();
  });

  it("adds a phone number that did not exist through a filtered path", async () => {
    const res = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().phoneNumbers).toEqual([{ type: "mobile", value: "+1 555 0100" }]);
  });

  it('disables with "False" as a string, keeps the user findable, and restores with "True"', async () => {
    const off = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Replace", path: "active", value: "False" }],
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    const found = await scim(
      "GET",
      `/Users?filter=${encodeURIComponent('externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"')}`,
    );
    expect(found.json().Resources[0].active).toBe(false);
    const on = await scim("PATCH", `/Users/${userId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Replace", path: "active", value: "True" }],
    });
    expect(on.json().active).toBe(true);
  });

  it("creates a group without members, then adds and removes members the Entra way", async () => {
    const created = await scim("POST", "/Groups", {
      schemas: [SCHEMA.group, "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "Group1DisplayName",
      meta: { resourceType: "Group" },
    });
    expect(created.statusCode).toBe(201);
    groupId = created.json().id;
    expect(created.json().members).toEqual([]);

    const add = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        {
          op: "Add",
          path: "members",
          value: [
            { $ref: null, value: userId },
            { $ref: null, value: managerId },
          ],
        },
      ],
    });
    expect(add.statusCode).toBe(204);
    let group = (await scim("GET", `/Groups/${groupId}`)).json();
    expect(group.members.map((m: { value: string }) => m.value).sort()).toEqual([userId, managerId].sort());

    const remove = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: managerId }] }],
    });
    expect(remove.statusCode).toBe(204);
    group = (await scim("GET", `/Groups/${groupId}`)).json();
    expect(group.members.map((m: { value: string }) => m.value)).toEqual([userId]);

    const flagged = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "remove", path: `members[value eq "${userId}"]` }],
    });
    expect(flagged.statusCode).toBe(204);
    expect((await scim("GET", `/Groups/${groupId}`)).json().members).toEqual([]);
  });

  it("finds the group by displayName without members, and renames it with 204", async () => {
    const found = await scim("GET", "/Groups?excludedAttributes=members&filter=displayName+eq+%22Group1DisplayName%22");
    expect(found.statusCode).toBe(200);
    expect(found.json().Resources).toHaveLength(1);
    expect(found.json().Resources[0]).not.toHaveProperty("members");
    const single = await scim("GET", `/Groups/${groupId}?excludedAttributes=members`);
    expect(single.json()).not.toHaveProperty("members");
    const renamed = await scim("PATCH", `/Groups/${groupId}`, {
      schemas: [SCHEMA.patch],
      Operations: [{ op: "Replace", path: "displayName", value: "Renamed" }],
    });
    expect(renamed.statusCode).toBe(204);
    expect((await scim("GET", `/Groups/${groupId}?excludedAttributes=members`)).json().displayName).toBe("Renamed");
  });

  it("pages users with startIndex and count, echoing the startIndex asked for", async () => {
    for (let i = 0; i < 11; i++)
      await scim("POST", "/Users", {
        schemas: [SCHEMA.user],
        userName: `page-${String(i).padStart(2, "0")}@contoso.com`,
      });
    const res = await scim("GET", "/Users?startIndex=6&count=5");
    expect(res.json()).toMatchObject({ startIndex: 6, itemsPerPage: 5, totalResults: 13 });
  });

  it("deletes the user and the group with 204, then answers 404 in the SCIM error schema", async () => {
    expect((await scim("DELETE", `/Users/${userId}`)).statusCode).toBe(204);
    expect((await scim("DELETE", `/Groups/${groupId}`)).statusCode).toBe(204);
    const gone = await scim("GET", `/Users/${userId}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ schemas: [SCHEMA.error], status: "404" });
  });

  it("serves /Schemas as a ListResponse including the Group schema", async () => {
    const res = await scim("GET", "/Schemas");
    expect(res.statusCode).toBe(200);
    expect(res.json().Resources.map((s: { id: string }) => s.id)).toEqual(
      expect.arrayContaining([SCHEMA.user, SCHEMA.group, SCHEMA.enterprise]),
    );
    expect(res.body).not.toContain("null");
  });

  it("accepts application/json bodies, which Entra sometimes sends", async () => {
    const res = await scim("POST", "/Users", JSON.stringify({ schemas: [SCHEMA.user], userName: "json@contoso.com" }), {
      "content-type": "application/json",
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers["content-type"]).toContain("application/scim+json");
  });
});
