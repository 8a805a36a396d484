import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

interface ListBody {
  data: { id: string; name: string }[];
  list_metadata: { before: string | null; after: string | null };
}

describe.each(DIALECTS)("cursor pagination on %s", (dialect) => {
  let t: TestApp;
  let orgId: string;
  let ids: string[];

  beforeAll(async () => {
    t = await createTestApp(dialect);
    orgId = (
      await t.app.inject({
        method: "POST",
        url: "/organizations",
        headers: bearer(ADMIN_KEY),
        payload: { name: "Paged" },
      })
    ).json().id;
    ids = [];
    for (let i = 0; i < 10; i++) {
      const res = await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(ADMIN_KEY),
        payload: { organization_id: orgId, name: `dir ${i}`, type: "generic scim v2.0" },
      });
      ids.push(res.json().id);
    }
  });
  afterAll(async () => t?.close());

  const list = async (query: string): Promise<ListBody> => {
    const res = await t.app.inject({
      method: "GET",
      url: `/directories?organization_id=${orgId}&${query}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it("returns an empty list with no cursors when nothing matches", async () => {
    const other = (
      await t.app.inject({
        method: "POST",
        url: "/organizations",
        headers: bearer(ADMIN_KEY),
        payload: { name: "Empty" },
      })
    ).json().id;
    const res = await t.app.inject({
      method: "GET",
      url: `/directories?organization_id=${other}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(res.json()).toEqual({ object: "list", data: [], list_metadata: { before: null, after: null } });
  });

  it("defaults to 10 items, newest first", async () => {
    const page = await list("");
    expect(page.data.map((d) => d.id)).toEqual([...ids].reverse());
    expect(page.list_metadata).toEqual({ before: null, after: null });
  });

  it("gives no after cursor when the last page is exactly full", async () => {
    const first = await list("limit=5&order=asc");
    expect(first.data.map((d) => d.id)).toEqual(ids.slice(0, 5));
    expect(first.list_metadata).toEqual({ before: null, after: ids[4] });
    const second = await list(`limit=5&order=asc&after=${ids[4]}`);
    expect(second.data.map((d) => d.id)).toEqual(ids.slice(5));
    expect(second.list_metadata).toEqual({ before: ids[5], after: null });
  });

  it("walks forward with after and back with before to the same pages", async () => {
    const pages: ListBody[] = [];
    let after: string | null = null;
    do {
      const page: ListBody = await list(`limit=3${after ? `&after=${after}` : ""}`);
      pages.push(page);
      after = page.list_metadata.after;
    } while (after);
    expect(pages.flatMap((p) => p.data.map((d) => d.id))).toEqual([...ids].reverse());
    expect(pages.map((p) => p.data.length)).toEqual([3, 3, 3, 1]);

    for (let i = pages.length - 1; i > 0; i--) {
      const before = pages[i]?.list_metadata.before;
      expect(before).toBeTruthy();
      const previous = await list(`limit=3&before=${before}`);
      expect(previous.data.map((d) => d.id)).toEqual(pages[i - 1]?.data.map((d) => d.id));
      expect(previous.list_metadata.after).toBe(pages[i - 1]?.list_metadata.after);
    }
    const firstAgain = await list(`limit=3&before=${pages[1]?.list_metadata.before}`);
    expect(firstAgain.list_metadata.before).toBeNull();
  });

  it("pages past the end to an empty page that can still go back", async () => {
    const page = await list(`limit=3&order=asc&after=${ids.at(-1)}`);
    expect(page.data).toEqual([]);
    expect(page.list_metadata).toEqual({ before: ids.at(-1), after: null });
  });

  it("answers 400 to a malformed cursor, a limit out of range or an unknown order", async () => {
    for (const query of [
      "after=nonsense",
      "before=org_01ARZ3NDEKTSV4RRFFQ69G5FAV",
      "limit=0",
      "limit=101",
      "limit=ten",
      "order=sideways",
    ]) {
      const res = await t.app.inject({ method: "GET", url: `/directories?${query}`, headers: bearer(ADMIN_KEY) });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().code).toBe("invalid_request");
      expect(res.json().errors.length).toBeGreaterThan(0);
    }
  });
});
