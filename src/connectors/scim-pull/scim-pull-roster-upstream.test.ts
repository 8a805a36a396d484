/**
 * The upstream is a second, live Roster on loopback: an ingest directory filled over SCIM, then
 * read back by the source through its real SCIM base URL and token.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";
import { SourceError, type SourceGroup, type SourceItem, type SourceUser } from "../source.js";
import { createScimPullSource, type ScimPullOptions } from "./scim-pull-source.js";

const signal = () => AbortSignal.timeout(20_000);

async function all<T>(items: AsyncIterable<SourceItem<T>>): Promise<T[]> {
  const records: T[] = [];
  for await (const item of items) {
    if (item.kind === "invalid") throw new Error(`unexpected invalid record ${item.ref}: ${item.message}`);
    records.push(item.record);
  }
  return records;
}

/** Every URL the upstream was asked for since the last `fetchedUrls()`, as absolute URLs. */
function recordRequests(app: TestApp["app"], base: () => string): () => string[] {
  let seen: string[] = [];
  app.server.on("request", (req: { url?: string }) =>
    seen.push(decodeURIComponent(new URL(req.url ?? "/", base()).toString())),
  );
  return () => {
    const urls = seen;
    seen = [];
    return urls;
  };
}

for (const dialect of DIALECTS) {
  describe(`scim pull from a live Roster upstream (${dialect})`, () => {
    let upstream: TestApp;
    let dir: ScimDirectory;
    let baseUrl: string;
    let fetchedUrls: () => string[];
    /** Upstream id by userName, as the upstream assigned them. */
    const ids = new Map<string, string>();
    const groupIds = new Map<string, string>();
    const USERS = ["ada", "grace", "linus", "margaret", "ken", "barbara", 'o"brien\\x'];

    const source = (options: ScimPullOptions = {}, overrides: { token?: string; page_size?: number } = {}) =>
      createScimPullSource(
        {
          base_url: baseUrl,
          token: overrides.token ?? dir.token,
          page_size: overrides.page_size ?? 2,
          timeout_ms: 10_000,
        },
        options,
      );

    beforeAll(async () => {
      upstream = await createTestApp(dialect);
      await upstream.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = upstream.app.server.address() as AddressInfo;
      dir = await createScimDirectory(upstream.app);
      baseUrl = `http://127.0.0.1:${port}${dir.base}`;
      fetchedUrls = recordRequests(upstream.app, () => `http://127.0.0.1:${port}`);
      const scim = scimClient(upstream.app, dir);
      for (const [i, name] of USERS.entries()) {
        const res = await scim("POST", "/Users", {
          schemas: [SCHEMA.user, SCHEMA.enterprise],
          userName: `${name}@example.com`,
          externalId: `ext-${i}`,
          active: name !== "ken",
          name: { givenName: name.toUpperCase(), familyName: `Family${i}` },
          title: i === 0 ? "Engineer" : undefined,
          emails: [{ value: `${name}@example.com`, type: "work", primary: true }],
          [SCHEMA.enterprise]: { department: `Dept ${i % 2}` },
        });
        expect(res.statusCode, res.body).toBe(201);
        ids.set(name, res.json().id);
      }
      const groups = { Engineering: ["ada", "grace", "linus"], Everyone: USERS, Empty: [] as string[] };
      for (const [displayName, members] of Object.entries(groups)) {
        const res = await scim("POST", "/Groups", {
          schemas: [SCHEMA.group],
          displayName,
          externalId: `g-${displayName}`,
          members: members.map((m) => ({ value: ids.get(m) })),
        });
        expect(res.statusCode, res.body).toBe(201);
        groupIds.set(displayName, res.json().id);
      }
    });

    afterAll(async () => {
      await upstream?.close();
    });

    it("passes its check with the directory's token", async () => {
      await expect(source().check(signal())).resolves.toBeUndefined();
    });

    it("reads every user, keyed by the upstream id and normalized as a SCIM push is", async () => {
      const users = await all<SourceUser>(source({ pagination: "index" }).users({ signal: signal() }));
      expect(users.map((u) => u.idpId).sort()).toEqual([...ids.values()].sort());
      const ada = users.find((u) => u.idpId === ids.get("ada"));
      expect(ada).toMatchObject({
        username: "ada@example.com",
        active: true,
        firstName: "ADA",
        lastName: "Family0",
        jobTitle: "Engineer",
        emails: [{ value: "ada@example.com", type: "work", primary: true }],
      });
      expect(ada?.rawAttributes).toMatchObject({ externalId: "ext-0", [SCHEMA.enterprise]: { department: "Dept 0" } });
      expect(ada?.rawAttributes).not.toHaveProperty("id");
      expect(users.find((u) => u.idpId === ids.get("ken"))?.active).toBe(false);
    });

    it("pages by startIndex when told the upstream has no cursors", async () => {
      fetchedUrls();
      const users = await all<SourceUser>(source({ pagination: "index" }).users({ signal: signal() }));
      expect(users).toHaveLength(USERS.length);
      const urls = fetchedUrls().filter((u) => u.includes("/Users?"));
      // 7 users in pages of 2: startIndex 1, 3, 5, 7, and it stops at totalResults.
      expect(urls.map((u) => new URL(u).searchParams.get("startIndex"))).toEqual(["1", "3", "5", "7"]);
      expect(urls.every((u) => !u.includes("cursor="))).toBe(true);
    });

    it("pages by RFC 9865 cursor when it believes the upstream offers one", async () => {
      fetchedUrls();
      const users = await all<SourceUser>(source({ pagination: "cursor" }).users({ signal: signal() }));
      expect(users.map((u) => u.idpId).sort()).toEqual([...ids.values()].sort());
      const urls = fetchedUrls().filter((u) => u.includes("/Users?"));
      expect(urls).toHaveLength(4);
      expect(urls[0]).toContain("cursor=&count=2");
      expect(urls.slice(1).every((u) => /cursor=[^&]+/.test(u) && !u.includes("startIndex"))).toBe(true);
    });

    it("finds out from the ServiceProviderConfig how to page, without being told", async () => {
      fetchedUrls();
      const users = await all<SourceUser>(source().users({ signal: signal() }));
      expect(users).toHaveLength(USERS.length);
      expect(fetchedUrls()[0]).toMatch(/\/ServiceProviderConfig$/);
    });

    for (const pagination of ["index", "cursor"] as const) {
      it(`reads every group with its members as upstream user ids (${pagination} paging)`, async () => {
        const groups = await all<SourceGroup>(source({ pagination }).groups({ signal: signal() }));
        const byName = new Map(groups.map((g) => [g.name, g]));
        expect([...byName.keys()].sort()).toEqual(["Empty", "Engineering", "Everyone"]);
        expect(byName.get("Engineering")?.idpId).toBe(groupIds.get("Engineering"));
        expect([...(byName.get("Engineering")?.memberIdpIds ?? [])].sort()).toEqual(
          ["ada", "grace", "linus"].map((n) => ids.get(n)).sort(),
        );
        expect([...(byName.get("Everyone")?.memberIdpIds ?? [])].sort()).toEqual([...ids.values()].sort());
        expect(byName.get("Empty")?.memberIdpIds).toEqual([]);
        expect(byName.get("Engineering")?.rawAttributes).toMatchObject({ externalId: "g-Engineering" });
      });
    }

    it("finds one user by userName, case-insensitively, and null for a stranger", async () => {
      const src = source();
      expect((await src.findUser("GRACE@example.com", signal()))?.idpId).toBe(ids.get("grace"));
      expect(await src.findUser("nobody@example.com", signal())).toBeNull();
    });

    it("escapes quotes and backslashes in the userName it filters on", async () => {
      const found = await source().findUser('o"brien\\x@example.com', signal());
      expect(found?.idpId).toBe(ids.get('o"brien\\x'));
    });

    it("fails with invalid_credentials on a wrong token, at check and at read", async () => {
      const src = source({}, { token: "not-the-token" });
      const failure = await src.check(signal()).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SourceError);
      expect(failure).toMatchObject({ reason: "invalid_credentials" });
      await expect(
        all(source({ pagination: "index" }, { token: "nope" }).users({ signal: signal() })),
      ).rejects.toMatchObject({ reason: "invalid_credentials" });
    });

    it("fails as misconfigured when base_url is not a SCIM base", async () => {
      const wrong = createScimPullSource({ base_url: baseUrl.replace("/scim/v2/", "/scim/v9/"), token: dir.token });
      await expect(wrong.check(signal())).rejects.toMatchObject({ reason: "misconfigured" });
    });
  });
}
