import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
  setActive,
} from "../../test/support/directory-fixtures.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

interface UserBody {
  id: string;
  state: string;
  groups: { id: string; name: string }[];
}
interface ListBody {
  data: UserBody[];
  list_metadata: { before: string | null; after: string | null };
}

describe.each(DIALECTS)("GET /directory_users on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;
  let globex: KeyedDirectory;
  const u: Record<string, string> = {};
  let engineering: string;
  let globexGroup: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    globex = await createKeyedDirectory(t.app, "Globex");
    u.ada = await pushUser(acme.scim, "ada@acme.com", {
      externalId: "okta-ada",
      name: { givenName: "Ada", familyName: "Lovelace" },
      title: "Engineer",
      emails: [
        { value: "ada@acme.com", type: "work", primary: true },
        { value: "Ada.Home@Example.org", type: "home" },
      ],
    });
    for (const name of ["bob", "cy", "dee", "eve"])
      u[name] = await pushUser(acme.scim, `${name}@acme.com`, { externalId: `okta-${name}` });
    engineering = await pushGroup(acme.scim, "Engineering", [u.ada ?? "", u.bob ?? "", u.cy ?? ""], {
      externalId: "okta-eng",
    });
    await setActive(acme.scim, u.cy ?? "", false);
    u.gil = await pushUser(globex.scim, "gil@globex.com");
    globexGroup = await pushGroup(globex.scim, "Globex Staff", [u.gil]);
  });
  afterAll(async () => t?.close());

  const get = (url: string, key = acme.key) => t.app.inject({ method: "GET", url, headers: bearer(key) });
  const list = async (query: string, key = acme.key): Promise<ListBody> => {
    const res = await get(`/directory_users?${query}`, key);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const ids = (body: ListBody) => body.data.map((d) => d.id);

  it("serves one user in the WorkOS shape, with its groups as directory_group objects", async () => {
    const res = await get(`/directory_users/${u.ada}`);
    expect(res.statusCode).toBe(200);
    const user = res.json();
    expect(Object.keys(user).sort()).toEqual(
      [
        "object",
        "id",
        "directory_id",
        "organization_id",
        "idp_id",
        "email",
        "emails",
        "first_name",
        "last_name",
        "job_title",
        "username",
        "state",
        "role",
        "roles",
        "custom_attributes",
        "raw_attributes",
        "groups",
        "created_at",
        "updated_at",
      ].sort(),
    );
    expect(user).toMatchObject({
      object: "directory_user",
      directory_id: acme.id,
      organization_id: acme.orgId,
      idp_id: "okta-ada",
      email: "ada@acme.com",
      emails: [
        { primary: true, type: "work", value: "ada@acme.com" },
        { primary: false, type: "home", value: "Ada.Home@Example.org" },
      ],
      first_name: "Ada",
      last_name: "Lovelace",
      job_title: "Engineer",
      username: "ada@acme.com",
      state: "active",
      role: null,
      roles: [],
      custom_attributes: {},
    });
    expect(user.raw_attributes).toMatchObject({ userName: "ada@acme.com", title: "Engineer" });
    expect(user.groups).toEqual([
      {
        object: "directory_group",
        id: engineering,
        idp_id: "okta-eng",
        directory_id: acme.id,
        organization_id: acme.orgId,
        name: "Engineering",
        raw_attributes: expect.objectContaining({ displayName: "Engineering" }),
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
  });

  it("lists a directory's users newest first, each one carrying its groups", async () => {
    const body = await list(`directory=${acme.id}`);
    expect(ids(body)).toEqual([u.eve, u.dee, u.cy, u.bob, u.ada]);
    const groupsOf = Object.fromEntries(body.data.map((d) => [d.id, d.groups.map((g) => g.name)]));
    expect(groupsOf).toEqual({
      [u.ada ?? ""]: ["Engineering"],
      [u.bob ?? ""]: ["Engineering"],
      [u.cy ?? ""]: [],
      [u.dee ?? ""]: [],
      [u.eve ?? ""]: [],
    });
  });

  it("filters by state, by idp_id and by any of a user's emails, case-insensitively", async () => {
    expect(ids(await list(`directory=${acme.id}&state=inactive`))).toEqual([u.cy]);
    expect(ids(await list(`directory=${acme.id}&state=active&order=asc`))).toEqual([u.ada, u.bob, u.dee, u.eve]);
    expect(ids(await list("idp_id=okta-dee"))).toEqual([u.dee]);
    expect(ids(await list(`email=${encodeURIComponent("ada.home@EXAMPLE.org")}`))).toEqual([u.ada]);
    expect(ids(await list(`organization=${acme.orgId}&email=nobody@acme.com`))).toEqual([]);
  });

  it("lists a group's members without the inactive ones under the hide policy", async () => {
    expect(ids(await list(`group=${engineering}`))).toEqual([u.bob, u.ada]);
    expect(ids(await list(`group=${engineering}&state=inactive`))).toEqual([]);
  });

  it("shows an inactive user with no groups, and its groups again once reactivated", async () => {
    expect((await get(`/directory_users/${u.cy}`)).json()).toMatchObject({ state: "inactive", groups: [] });
    await setActive(acme.scim, u.cy ?? "", true);
    expect((await get(`/directory_users/${u.cy}`)).json().groups.map((g: { id: string }) => g.id)).toEqual([
      engineering,
    ]);
    expect(ids(await list(`group=${engineering}`))).toEqual([u.cy, u.bob, u.ada]);
    await setActive(acme.scim, u.cy ?? "", false);
  });

  it("walks forward with after and back with before to the same pages", async () => {
    for (const filter of [`directory=${acme.id}`, `group=${engineering}`]) {
      const all = ids(await list(`${filter}&limit=100`));
      const pages: ListBody[] = [];
      let after: string | null = null;
      do {
        const page: ListBody = await list(`${filter}&limit=2${after ? `&after=${after}` : ""}`);
        pages.push(page);
        after = page.list_metadata.after;
      } while (after);
      expect(pages.flatMap(ids), filter).toEqual(all);
      for (let i = pages.length - 1; i > 0; i--) {
        const back = await list(`${filter}&limit=2&before=${pages[i]?.list_metadata.before}`);
        expect(ids(back)).toEqual(ids(pages[i - 1] as ListBody));
      }
    }
  });

  it("lets an organization key list its own users with no filter, and no one else's", async () => {
    const mine = await list("limit=100");
    expect(ids(mine)).toHaveLength(5);
    expect(ids(await list("limit=100", globex.key))).toEqual([u.gil]);
  });

  it("answers 404 when an organization key names another organization's user, directory, group or organization", async () => {
    const foreign = [
      `/directory_users/${u.gil}`,
      `/directory_users?directory=${globex.id}`,
      `/directory_users?group=${globexGroup}`,
      `/directory_users?organization=${globex.orgId}`,
    ];
    for (const url of foreign) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().code).toBe("not_found");
    }
    expect((await get(`/directory_users/${u.gil}`, ADMIN_KEY)).statusCode).toBe(200);
  });

  it("asks the admin key to name a directory, organization or group", async () => {
    const res = await get("/directory_users", ADMIN_KEY);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: "invalid_request", errors: [{ field: "directory", code: "required" }] });
    expect(ids(await list(`organization=${globex.orgId}`, ADMIN_KEY))).toEqual([u.gil]);
  });

  it("answers 400 to a malformed id in a filter or the path", async () => {
    for (const url of [
      "/directory_users?group=nonsense",
      "/directory_users?directory=directory_1",
      "/directory_users/directory_group_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "/directory_users?state=suspended",
    ]) {
      expect((await get(url)).statusCode, url).toBe(400);
    }
  });

  it("stops serving the users of a soft-deleted directory until it is restored", async () => {
    const temp = await createKeyedDirectory(t.app, "Temp");
    const id = await pushUser(temp.scim, "tmp@temp.com");
    await t.app.inject({ method: "DELETE", url: `/directories/${temp.id}`, headers: bearer(temp.key) });
    expect(ids(await list(`directory=${temp.id}`, temp.key))).toEqual([]);
    expect(ids(await list("", temp.key))).toEqual([]);
    expect((await get(`/directory_users/${id}`, temp.key)).statusCode).toBe(404);
    await t.app.inject({ method: "POST", url: `/directories/${temp.id}/restore`, headers: bearer(temp.key) });
    expect(ids(await list(`directory=${temp.id}`, temp.key))).toEqual([id]);
  });

  it("keeps a deleted user out of every list", async () => {
    const id = await pushUser(acme.scim, "gone@acme.com");
    expect((await acme.scim("DELETE", `/Users/${id}`)).statusCode).toBe(204);
    expect(ids(await list(`directory=${acme.id}&limit=100`))).not.toContain(id);
    expect((await get(`/directory_users/${id}`)).statusCode).toBe(404);
  });
});
