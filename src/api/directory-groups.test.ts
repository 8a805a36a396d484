import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  changeMembers,
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
  setActive,
} from "../../test/support/directory-fixtures.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

interface ListBody {
  data: { id: string; name: string }[];
  list_metadata: { before: string | null; after: string | null };
}

describe.each(DIALECTS)("GET /directory_groups on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;
  let globex: KeyedDirectory;
  let ada: string;
  let gil: string;
  const g: string[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    globex = await createKeyedDirectory(t.app, "Globex");
    ada = await pushUser(acme.scim, "ada@acme.com");
    for (const name of ["Admins", "Engineering", "Sales", "Support", "Ops"])
      g.push(await pushGroup(acme.scim, name, name === "Sales" ? [] : [ada], { externalId: `okta-${name}` }));
    gil = await pushUser(globex.scim, "gil@globex.com");
    await pushGroup(globex.scim, "Globex Staff", [gil]);
  });
  afterAll(async () => t?.close());

  const get = (url: string, key = acme.key) => t.app.inject({ method: "GET", url, headers: bearer(key) });
  const list = async (query: string, key = acme.key): Promise<ListBody> => {
    const res = await get(`/directory_groups?${query}`, key);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const ids = (body: ListBody) => body.data.map((d) => d.id);

  it("serves one group in the WorkOS shape", async () => {
    const res = await get(`/directory_groups/${g[0]}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      object: "directory_group",
      id: g[0],
      idp_id: "okta-Admins",
      directory_id: acme.id,
      organization_id: acme.orgId,
      name: "Admins",
      raw_attributes: expect.objectContaining({ displayName: "Admins", externalId: "okta-Admins" }),
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("lists a directory's groups newest first, and a user's groups", async () => {
    expect(ids(await list(`directory=${acme.id}`))).toEqual([...g].reverse());
    expect(ids(await list(`user=${ada}&order=asc`))).toEqual(g.filter((_, i) => i !== 2));
  });

  it("walks a user's groups forward and back to the same pages", async () => {
    const first = await list(`user=${ada}&limit=3`);
    expect(first.list_metadata.before).toBeNull();
    const second = await list(`user=${ada}&limit=3&after=${first.list_metadata.after}`);
    expect([...ids(first), ...ids(second)]).toEqual(g.filter((_, i) => i !== 2).reverse());
    expect(second.list_metadata.after).toBeNull();
    expect(ids(await list(`user=${ada}&limit=3&before=${second.list_metadata.before}`))).toEqual(ids(first));
  });

  it("gives an inactive user no groups under the hide policy, and all of them again on reactivation", async () => {
    await setActive(acme.scim, ada, false);
    expect(await list(`user=${ada}`)).toEqual({
      object: "list",
      data: [],
      list_metadata: { before: null, after: null },
    });
    await setActive(acme.scim, ada, true);
    expect(ids(await list(`user=${ada}`))).toHaveLength(4);
  });

  it("keeps showing an inactive user's groups under the keep policy", async () => {
    const kept = await createKeyedDirectory(t.app, "Keeper", "keep");
    const user = await pushUser(kept.scim, "kim@keep.com");
    const group = await pushGroup(kept.scim, "Kept", [user]);
    await setActive(kept.scim, user, false);
    expect(ids(await list(`user=${user}`, kept.key))).toEqual([group]);
    expect((await get(`/directory_users/${user}`, kept.key)).json().groups.map((x: { id: string }) => x.id)).toEqual([
      group,
    ]);
  });

  it("follows membership changes", async () => {
    await changeMembers(acme.scim, g[2] ?? "", "add", [ada]);
    await changeMembers(acme.scim, g[0] ?? "", "remove", [ada]);
    expect(ids(await list(`user=${ada}&order=asc`))).toEqual(g.slice(1));
  });

  it("answers 404 when an organization key names another organization's group, user, directory or organization", async () => {
    const globexGroups = await list(`directory=${globex.id}`, globex.key);
    for (const url of [
      `/directory_groups/${globexGroups.data[0]?.id}`,
      `/directory_groups?user=${gil}`,
      `/directory_groups?directory=${globex.id}`,
      `/directory_groups?organization=${globex.orgId}`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
    }
    expect(ids(await list("limit=100"))).toHaveLength(5);
  });

  it("asks the admin key to name a directory, organization or user", async () => {
    const res = await get("/directory_groups", ADMIN_KEY);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ field: "directory", code: "required" });
    expect(ids(await list(`organization=${acme.orgId}`, ADMIN_KEY))).toHaveLength(5);
  });

  it("stops serving the groups of a soft-deleted directory", async () => {
    const temp = await createKeyedDirectory(t.app, "Temp");
    const group = await pushGroup(temp.scim, "Temp Group");
    await t.app.inject({ method: "DELETE", url: `/directories/${temp.id}`, headers: bearer(temp.key) });
    expect(ids(await list(`directory=${temp.id}`, temp.key))).toEqual([]);
    expect((await get(`/directory_groups/${group}`, temp.key)).statusCode).toBe(404);
  });
});
