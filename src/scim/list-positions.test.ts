import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryStore } from "../directory/index.js";
import type { ListParams } from "./list-params.js";
import { createListPositions } from "./list-positions.js";
import { listPage, USER_SORT } from "./list-query.js";

const page = (startIndex: number, count: number): ListParams => ({
  filter: undefined,
  sortBy: undefined,
  descending: false,
  startIndex,
  count,
  cursor: undefined,
});

describe.each(DIALECTS)("startIndex pages that follow one another on %s", (dialect) => {
  let t: TestApp;
  let dirId: string;
  let scim: ReturnType<typeof scimClient>;
  /** Every id in the directory, in list order, counted the slow way. */
  const allIds = async () =>
    (
      await t.storage.db
        .selectFrom("directory_users")
        .select("id")
        .where("directory_id", "=", dirId)
        .orderBy("id")
        .execute()
    ).map((r) => r.id);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    const dir = await createScimDirectory(t.app);
    dirId = dir.id;
    scim = scimClient(t.app, dir);
    const store = createDirectoryStore(t.deps);
    const context = { id: dir.id, organizationId: dir.orgId, deactivatedMembers: "hide" as const };
    for (let i = 0; i < 25; i++) {
      await store.users.create(context, {
        username: `u${String(i).padStart(2, "0")}`,
        idpId: null,
        active: true,
        emails: [],
        firstName: null,
        lastName: null,
        jobTitle: null,
        rawAttributes: {},
      });
    }
  });
  afterAll(async () => t?.close());

  it("reads the page after a remembered one as a keyset page, without an offset", async () => {
    const statements: string[] = [];
    const recorder: KyselyPlugin = {
      transformQuery: (args) => {
        if (args.node.kind === "SelectQueryNode" && args.node.offset) statements.push("offset");
        else if (args.node.kind === "SelectQueryNode") statements.push("select");
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const db = t.storage.db.withPlugin(recorder);
    const positions = createListPositions();
    const first = await listPage(db, t.storage.caps, USER_SORT, dirId, null, page(1, 10), positions);
    const second = await listPage(db, t.storage.caps, USER_SORT, dirId, null, page(11, 10), positions);
    const ids = await allIds();
    expect(first.ids).toEqual(ids.slice(0, 10));
    expect(second.ids).toEqual(ids.slice(10, 20));
    expect(second.totalResults).toBe(25);
    // Each page: the totals, then the ids; the first page's ids by offset, the second's not.
    expect(statements).toEqual(["select", "offset", "select", "select"]);
    // A page nobody ended on is read by offset, and then remembered too.
    statements.length = 0;
    expect((await listPage(db, t.storage.caps, USER_SORT, dirId, null, page(16, 10), positions)).ids).toEqual(
      ids.slice(15, 25),
    );
    expect(statements).toEqual(["select", "offset"]);
  });

  it("serves over SCIM the same pages as offsets would, and forgets positions once a user is created or deleted", async () => {
    const walk = async () => {
      const pages = [];
      for (const start of [1, 11, 21])
        pages.push(
          ((await scim("GET", `/Users?startIndex=${start}&count=10`)).json().Resources as { id: string }[]).map(
            (r) => r.id,
          ),
        );
      return pages;
    };
    let ids = await allIds();
    expect(await walk()).toEqual([ids.slice(0, 10), ids.slice(10, 20), ids.slice(20)]);
    // A user before the remembered positions goes: every later row moves up one.
    expect((await scim("DELETE", `/Users/${ids[2]}`)).statusCode).toBe(204);
    ids = await allIds();
    const second = (await scim("GET", "/Users?startIndex=11&count=10")).json();
    expect(second.Resources.map((r: { id: string }) => r.id)).toEqual(ids.slice(10, 20));
    expect(second.totalResults).toBe(24);
    expect(await walk()).toEqual([ids.slice(0, 10), ids.slice(10, 20), ids.slice(20)]);
  });
});
