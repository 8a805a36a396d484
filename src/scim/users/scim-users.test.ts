import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../../test/support/test-app.js";

describe.each(DIALECTS)("SCIM /Users on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  let scim: ReturnType<typeof scimClient>;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_BODY_LIMIT: "20000" });
    dir = await createScimDirectory(t.app);
    scim = scimClient(t.app, dir);
    const people = [
      {
        userName: "alice@x.com",
        name: { givenName: "Alice", familyName: "Zed" },
        title: "Engineer",
        emails: [{ value: "alice@x.com", type: "work", primary: true }],
      },
      {
        userName: "bob@y.com",
        name: { givenName: "Bob", familyName: "Young" },
        title: "Manager",
        emails: [{ value: "bob@y.com", type: "home" }],
        active: false,
      },
      {
        userName: "carol@x.com",
        name: { givenName: "Carol", familyName: "Xu" },
        emails: [{ value: "carol@x.com", type: "work" }],
      },
    ];
    for (const p of people)
      ids[p.userName] = (await scim("POST", "/Users", { schemas: [SCHEMA.user], ...p })).json().id;
  });
  afterAll(async () => t?.close());

  const names = (res: { json(): { Resources: { userName: string }[] } }) => res.json().Resources.map((u) => u.userName);
  const filtered = (filter: string, extra = "") => scim("GET", `/Users?filter=${encodeURIComponent(filter)}${extra}`);

  it("filters with operators, logic and value paths in SQL", async () => {
    expect(names(await filtered('userName sw "A"'))).toEqual(["alice@x.com"]);
    expect(names(await filtered('emails[type eq "work" and value co "@x.com"]', "&sortBy=userName"))).toEqual([
      "alice@x.com",
      "carol@x.com",
    ]);
    expect(names(await filtered("active eq false"))).toEqual(["bob@y.com"]);
    expect(names(await filtered('title pr and not (title eq "manager")'))).toEqual(["alice@x.com"]);
    expect(names(await filtered('name.familyName ew "u" or userName eq "BOB@Y.COM"', "&sortBy=userName"))).toEqual([
      "bob@y.com",
      "carol@x.com",
    ]);
  });

  it("answers 400 invalidFilter to a filter it cannot read", async () => {
    for (const filter of ["userName eq", 'nosuch eq "x"', '(userName eq "a"']) {
      const res = await filtered(filter);
      expect(res.statusCode, filter).toBe(400);
      expect(res.json()).toMatchObject({ schemas: [SCHEMA.error], status: "400", scimType: "invalidFilter" });
    }
  });

  it("sorts by an attribute in either order", async () => {
    expect(names(await scim("GET", "/Users?sortBy=name.familyName"))).toEqual([
      "carol@x.com",
      "bob@y.com",
      "alice@x.com",
    ]);
    expect(names(await scim("GET", "/Users?sortBy=userName&sortOrder=descending"))).toEqual([
      "carol@x.com",
      "bob@y.com",
      "alice@x.com",
    ]);
    expect((await scim("GET", "/Users?sortBy=nickName")).statusCode).toBe(400);
  });

  it("gives only totalResults for count=0", async () => {
    const res = await scim("GET", "/Users?count=0");
    expect(res.json()).toMatchObject({ totalResults: 3, itemsPerPage: 0, Resources: [] });
  });

  it("gives every page the whole total: the first, a middle one, one past the end, a cursor page, with and without a filter", async () => {
    const total = (query: string) => scim("GET", `/Users?${query}`).then((res) => res.json().totalResults as number);
    const all = await total("count=0");
    expect(all).toBeGreaterThanOrEqual(3);
    for (const query of [
      "count=1",
      "startIndex=2&count=1",
      "startIndex=1000&count=5",
      "cursor=&count=1",
      "sortBy=userName&startIndex=3&count=1",
    ]) {
      expect(await total(query), query).toBe(all);
    }
    const xcom = encodeURIComponent('userName ew "x.com"');
    for (const query of [`filter=${xcom}`, `filter=${xcom}&startIndex=2&count=1`, `filter=${xcom}&startIndex=50`])
      expect(await total(query), query).toBe(2);
    expect(await total(`filter=${encodeURIComponent('userName eq "nobody"')}`)).toBe(0);
  });

  it("pages with RFC 9865 cursors to the same rows as one big page", async () => {
    const seen: string[] = [];
    let cursor = "";
    for (let i = 0; i < 5; i++) {
      const page = (await scim("GET", `/Users?count=1&sortBy=userName&cursor=${cursor}`)).json();
      expect(page.totalResults).toBe(3);
      seen.push(...page.Resources.map((u: { userName: string }) => u.userName));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(["alice@x.com", "bob@y.com", "carol@x.com"]);
    const bad = await scim("GET", "/Users?cursor=not-a-cursor");
    expect(bad.statusCode).toBe(400);
    expect(bad.json().scimType).toBe("invalidCursor");
  });

  it("returns only the attributes asked for, and drops the excluded ones", async () => {
    const only = (await scim("GET", `/Users/${ids["alice@x.com"]}?attributes=userName,name.givenName`)).json();
    expect(only).toEqual({
      schemas: [SCHEMA.user],
      id: ids["alice@x.com"],
      userName: "alice@x.com",
      name: { givenName: "Alice" },
    });
    const without = (await scim("GET", `/Users/${ids["alice@x.com"]}?excludedAttributes=emails,groups,meta`)).json();
    expect(without).not.toHaveProperty("emails");
    expect(without).not.toHaveProperty("meta");
    expect(without.userName).toBe("alice@x.com");
  });

  it("gives a user's groups, in id order, the same on a GET by id as in a list", async () => {
    const names = ['Zeta "quoted" \\ team', "Ålpha ünïcode", "middle"];
    const groupIds: string[] = [];
    for (const displayName of names) {
      const created = await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName,
        members: [{ value: ids["bob@y.com"] }],
      });
      expect(created.statusCode).toBe(201);
      groupIds.push(created.json().id);
    }
    const expected = groupIds
      .map((id, i) => ({
        value: id,
        display: names[i],
        $ref: `http://roster.test${dir.base}/Groups/${id}`,
        type: "direct",
      }))
      .sort((a, b) => (a.value < b.value ? -1 : 1));
    const one = (await scim("GET", `/Users/${ids["bob@y.com"]}`)).json();
    expect(one.groups).toEqual(expected);
    const listed = (await filtered('userName eq "bob@y.com"')).json().Resources[0];
    expect(listed).toEqual(one);
    expect((await scim("GET", `/Users/${ids["carol@x.com"]}`)).json().groups).toEqual([]);
    for (const id of groupIds) expect((await scim("DELETE", `/Groups/${id}`)).statusCode).toBe(204);
  });

  it("answers the IdPs' userName lookup exactly as the general filter path does", async () => {
    // `userName eq` alone takes one indexed query; adding `and userName pr` takes the general path.
    const group = (
      await scim("POST", "/Groups", {
        schemas: [SCHEMA.group],
        displayName: "Lookup",
        members: [{ value: ids["alice@x.com"] }],
      })
    ).json().id;
    const cases: [string, string][] = [
      ['userName eq "ALICE@x.com"', ""],
      ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice@x.com"', ""],
      ['UserName eq "bob@y.com"', "&attributes=userName,active"],
      ['userName eq "alice@x.com"', "&excludedAttributes=groups,meta"],
      ['userName eq "nobody@x.com"', ""],
      ['userName eq "alice@x.com"', "&count=0"],
      ['userName eq "alice@x.com"', "&startIndex=2"],
      ['userName eq "alice@x.com"', "&sortBy=userName"],
    ];
    for (const [filter, extra] of cases) {
      const lookup = await filtered(filter, extra);
      const general = await filtered(`${filter} and userName pr`, extra);
      expect(lookup.statusCode, filter + extra).toBe(200);
      expect(lookup.json(), filter + extra).toEqual(general.json());
    }
    const found = (await filtered('userName eq "Alice@X.com"')).json();
    expect(found).toMatchObject({ totalResults: 1, itemsPerPage: 1, startIndex: 1 });
    expect(found.Resources[0]).toMatchObject({ id: ids["alice@x.com"], groups: [{ value: group, display: "Lookup" }] });
    expect((await filtered('userName eq "nobody@x.com"')).json()).toMatchObject({
      totalResults: 0,
      itemsPerPage: 0,
      Resources: [],
    });
    const searched = await scim("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName eq "bob@y.com"',
    });
    expect(names(searched)).toEqual(["bob@y.com"]);
    expect((await scim("DELETE", `/Groups/${group}`)).statusCode).toBe(204);
  });

  it("applies every one of many concurrent PATCHes of one user to the user as the previous one left it", async () => {
    const id = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "busy@x.com" })).json().id;
    const numbers = Array.from({ length: 20 }, (_, i) => `+1 555 01${String(i).padStart(2, "0")}`);
    const results = await Promise.all(
      numbers.map((value) =>
        scim("PATCH", `/Users/${id}`, {
          schemas: [SCHEMA.patch],
          Operations: [{ op: "add", path: "phoneNumbers", value: [{ value, type: "work" }] }],
        }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(numbers.map(() => 200));
    const after = (await scim("GET", `/Users/${id}`)).json();
    expect(after.phoneNumbers.map((p: { value: string }) => p.value).sort()).toEqual([...numbers].sort());
    expect(after.meta.version).toBe('W/"21"');
    const stale = await scim(
      "PATCH",
      `/Users/${id}`,
      { schemas: [SCHEMA.patch], Operations: [{ op: "replace", path: "title", value: "late" }] },
      { "if-match": 'W/"1"' },
    );
    expect(stale.statusCode).toBe(412);
    expect((await scim("DELETE", `/Users/${id}`)).statusCode).toBe(204);
  });

  it("searches with POST /.search", async () => {
    const res = await scim("POST", "/Users/.search", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
      filter: 'userName co "x.com"',
      sortBy: "userName",
      attributes: ["userName"],
      startIndex: 1,
      count: 10,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().Resources).toEqual([
      { schemas: [SCHEMA.user], id: ids["alice@x.com"], userName: "alice@x.com" },
      { schemas: [SCHEMA.user], id: ids["carol@x.com"], userName: "carol@x.com" },
    ]);
  });

  it("honours If-Match with 412 on a stale version and If-None-Match with 304", async () => {
    const current = await scim("GET", `/Users/${ids["carol@x.com"]}`);
    const tag = current.headers.etag as string;
    expect((await scim("GET", `/Users/${ids["carol@x.com"]}`, undefined, { "if-none-match": tag })).statusCode).toBe(
      304,
    );
    const ok = await scim(
      "PATCH",
      `/Users/${ids["carol@x.com"]}`,
      { schemas: [SCHEMA.patch], Operations: [{ op: "replace", path: "title", value: "CTO" }] },
      { "if-match": tag },
    );
    expect(ok.statusCode).toBe(200);
    const stale = await scim(
      "PATCH",
      `/Users/${ids["carol@x.com"]}`,
      { schemas: [SCHEMA.patch], Operations: [{ op: "replace", path: "title", value: "CEO" }] },
      { "if-match": tag },
    );
    expect(stale.statusCode).toBe(412);
    expect((await scim("GET", `/Users/${ids["carol@x.com"]}`)).json().title).toBe("CTO");
  });

  it("keeps a PATCH atomic: a failing operation leaves everything as it was", async () => {
    const before = (await scim("GET", `/Users/${ids["alice@x.com"]}`)).json();
    const res = await scim("PATCH", `/Users/${ids["alice@x.com"]}`, {
      schemas: [SCHEMA.patch],
      Operations: [
        { op: "replace", path: "title", value: "Changed" },
        { op: "replace", path: "nosuchattribute.deep", value: "x" },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().schemas).toEqual([SCHEMA.error]);
    expect((await scim("GET", `/Users/${ids["alice@x.com"]}`)).json()).toEqual(before);
  });

  it("answers bad input with SCIM errors: malformed JSON, no userName, other media types, oversize bodies, unknown routes", async () => {
    const malformed = await scim("POST", "/Users", '{"userName": ');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ schemas: [SCHEMA.error], status: "400" });
    const noName = await scim("POST", "/Users", { schemas: [SCHEMA.user], name: { givenName: "x" } });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().scimType).toBe("invalidValue");
    const xml = await scim("POST", "/Users", "<user/>", { "content-type": "application/xml" });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().status).toBe("415");
    const big = await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "big", title: "x".repeat(30000) });
    expect(big.statusCode).toBe(413);
    expect(big.json().status).toBe("413");
    const route = await scim("GET", "/Nope");
    expect(route.statusCode).toBe(404);
    expect(route.json().schemas).toEqual([SCHEMA.error]);
  });

  it("never lets one directory's token reach another directory's users", async () => {
    const other = await createScimDirectory(t.app);
    const res = await t.app.inject({
      method: "GET",
      url: `${other.base}/Users/${ids["alice@x.com"]}`,
      headers: bearer(other.token),
    });
    expect(res.statusCode).toBe(404);
    const cross = await t.app.inject({ method: "GET", url: `${other.base}/Users`, headers: bearer(dir.token) });
    expect(cross.statusCode).toBe(401);
  });

  it("gives one 201 and one 409 to two concurrent creates of one userName", async () => {
    const [a, b] = await Promise.all([
      scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "twin@x.com" }),
      scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "TWIN@x.com" }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
  });

  it("keeps a request log with redacted bodies and error details", async () => {
    await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "logged@x.com", password: "hunter2" });
    await filtered("nosuch eq 1");
    const res = await t.app.inject({
      method: "GET",
      url: `/directories/${dir.id}/scim_requests?limit=100`,
      headers: bearer(ADMIN_KEY),
    });
    expect(res.statusCode).toBe(200);
    const entries = res.json().data;
    expect(res.body).not.toContain("hunter2");
    expect(
      entries.find((e: { request_body: string | null }) => e.request_body?.includes("logged@x.com")).request_body,
    ).toContain("[redacted]");
    const failed = entries.find((e: { status: number; path: string }) => e.status === 400 && e.path.includes("nosuch"));
    expect(failed.error_detail).toBeTruthy();
    expect(failed.method).toBe("GET");
  });
});
