// `search` on the normalized user and group lists: case-insensitive substrings, literal wildcards,
// combined with the other filters, and cursor pages that neither skip nor repeat a match.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import {
  createKeyedDirectory,
  type KeyedDirectory,
  pushGroup,
  pushUser,
  setActive,
} from "../../test/support/directory-fixtures.js";
import { bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

interface Listed {
  data: { id: string; username?: string; name?: string }[];
  list_metadata: { before: string | null; after: string | null };
}

describe.each(DIALECTS)("searching directory users and groups on %s", (dialect) => {
  let t: TestApp;
  let acme: KeyedDirectory;
  let globex: KeyedDirectory;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    t = await createTestApp(dialect);
    acme = await createKeyedDirectory(t.app, "Acme");
    globex = await createKeyedDirectory(t.app, "Globex");
    const people: [string, string, string, string][] = [
      ["ada", "Ada", "Lovelace", "ada.l@acme.com"],
      ["grace", "Grace", "Hopper", "GRACE@navy.example"],
      ["linus", "Linus", "Torvalds", "linus@kernel.example"],
      ["margaret", "Margaret", "Hamilton", "mh@apollo.example"],
      ["p_c", "Percent", "Under_Score", "pc@acme.com"],
    ];
    for (const [username, given, family, email] of people) {
      ids.set(
        username,
        await pushUser(acme.scim, username, {
          name: { givenName: given, familyName: family },
          emails: [{ value: email, type: "work", primary: true }],
        }),
      );
    }
    for (let i = 0; i < 12; i++)
      ids.set(
        `tester${i}`,
        await pushUser(acme.scim, `tester${String(i).padStart(2, "0")}`, {
          name: { givenName: "Test", familyName: `Person ${i}` },
        }),
      );
    await setActive(acme.scim, ids.get("grace") as string, false);
    await pushUser(globex.scim, "ada-globex", { name: { givenName: "Ada", familyName: "Elsewhere" } });
    for (const name of ["Engineering", "Engineering Managers", "Sales", "100%_Club"])
      ids.set(name, await pushGroup(acme.scim, name));
    await pushGroup(globex.scim, "Engineering Globex");
  });
  afterAll(async () => t?.close());

  async function list(path: string, query: string): Promise<Listed> {
    const res = await t.app.inject({ method: "GET", url: `${path}?${query}`, headers: bearer(acme.key) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  }
  const users = async (query: string) =>
    (await list("/directory_users", `directory=${acme.id}&limit=100&${query}`)).data.map((u) => u.username).sort();
  const groups = async (query: string) =>
    (await list("/directory_groups", `directory=${acme.id}&limit=100&${query}`)).data.map((g) => g.name).sort();

  it("matches a username, an email or a name, whatever the case", async () => {
    expect(await users("search=LOVE")).toEqual(["ada"]);
    expect(await users("search=navy.EXAMPLE")).toEqual(["grace"]);
    expect(await users("search=linu")).toEqual(["linus"]);
    expect(await users("search=margaret%20ham")).toEqual(["margaret"]);
    expect(await users("search=nobody-has-this")).toEqual([]);
  });

  it("takes % and _ literally", async () => {
    expect(await users("search=_")).toEqual(["p_c"]);
    expect(await users(`search=${encodeURIComponent("%")}`)).toEqual([]);
    expect(await groups(`search=${encodeURIComponent("%_")}`)).toEqual(["100%_Club"]);
  });

  it("combines with the state filter", async () => {
    expect(await users("search=a&state=inactive")).toEqual(["grace"]);
    expect((await users("search=a&state=active")).includes("grace")).toBe(false);
    expect(await users("search=a&state=active")).toContain("ada");
  });

  it("stays inside the caller's directory and organization", async () => {
    expect(await users("search=ada")).toEqual(["ada"]);
    expect(await groups("search=engineering")).toEqual(["Engineering", "Engineering Managers"]);
    const org = await list("/directory_users", `organization=${acme.orgId}&search=elsewhere`);
    expect(org.data).toEqual([]);
  });

  it("pages through every match with cursors, in both directions, none skipped or repeated", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: Listed = await list(
        "/directory_users",
        `directory=${acme.id}&search=TEST&limit=5&order=asc${after ? `&after=${after}` : ""}`,
      );
      seen.push(...page.data.map((u) => u.username as string));
      after = page.list_metadata.after;
      pages++;
    } while (after && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => `tester${String(i).padStart(2, "0")}`));
    const last = await list(
      "/directory_users",
      `directory=${acme.id}&search=test&limit=5&order=asc&after=${ids.get("tester9")}`,
    );
    const back = await list(
      "/directory_users",
      `directory=${acme.id}&search=test&limit=5&order=asc&before=${last.data[0]?.id}`,
    );
    expect(back.data.map((u) => u.username)).toEqual(["tester05", "tester06", "tester07", "tester08", "tester09"]);
  });

  it("matches group names by substring", async () => {
    expect(await groups("search=SALE")).toEqual(["Sales"]);
    expect(await groups("search=managers")).toEqual(["Engineering Managers"]);
  });

  it("refuses an empty or overlong search as a typed 400", async () => {
    for (const query of ["search=", `search=${"x".repeat(201)}`]) {
      const res = await t.app.inject({
        method: "GET",
        url: `/directory_users?directory=${acme.id}&${query}`,
        headers: bearer(acme.key),
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBeTypeOf("string");
    }
  });
});
