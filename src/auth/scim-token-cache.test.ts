import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createScimTokenCache } from "./scim-token-cache.js";
import { hashSecret } from "./secrets.js";

describe.each(DIALECTS)("the SCIM token cache on %s", (dialect) => {
  let t: TestApp;
  let key: string;
  let otherDirId: string;

  beforeAll(async () => {
    t = await createTestApp(dialect);
    key = (await createOrgWithKey(t.app, "Acme")).key;
    otherDirId = (await newDirectory("Other")).id;
  });
  afterAll(async () => t?.close());

  async function newDirectory(name: string): Promise<{ id: string; token: string }> {
    const res = await t.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(key),
      payload: { name, type: "okta scim v2.0" },
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id, token: res.json().scim.token };
  }
  const scim = (directoryId: string, token: string) =>
    t.app.inject({ method: "GET", url: `/scim/v2/${directoryId}/ServiceProviderConfig`, headers: bearer(token) });
  const revokeBehindTheCache = (token: string) =>
    t.storage.db.deleteFrom("directory_tokens").where("token_hash", "=", hashSecret(token)).execute();

  describe("in the serving process", () => {
    it("refuses a token rotated without grace from the next request on", async () => {
      const dir = await newDirectory("Rotating");
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
      const rotated = await t.app.inject({
        method: "POST",
        url: `/directories/${dir.id}/scim_token`,
        headers: bearer(key),
      });
      expect(rotated.statusCode).toBe(201);
      expect((await scim(dir.id, dir.token)).statusCode).toBe(401);
      expect((await scim(dir.id, rotated.json().token)).statusCode).toBe(200);
    });

    it("ends a token kept through a grace period when the grace ends, though it was verified just before", async () => {
      const dir = await newDirectory("Graceful");
      const rotated = await t.app.inject({
        method: "POST",
        url: `/directories/${dir.id}/scim_token`,
        headers: bearer(key),
        payload: { grace_period_seconds: 1 },
      });
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
      t.clock.advance(1001);
      expect((await scim(dir.id, dir.token)).statusCode).toBe(401);
      expect((await scim(dir.id, rotated.json().token)).statusCode).toBe(200);
    });

    it("refuses a deleted directory's token from the next request on, and takes it back after a restore", async () => {
      const dir = await newDirectory("Deleted");
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
      expect(
        (await t.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(key) })).statusCode,
      ).toBe(202);
      expect((await scim(dir.id, dir.token)).statusCode).toBe(404);
      await t.app.inject({ method: "POST", url: `/directories/${dir.id}/restore`, headers: bearer(key) });
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
    });

    it("refuses a verified token under another directory's SCIM base", async () => {
      const dir = await newDirectory("Own");
      expect((await scim(dir.id, dir.token)).statusCode).toBe(200);
      expect((await scim(otherDirId, dir.token)).statusCode).toBe(401);
    });

    it("gives SCIM writes a changed deactivated-members policy from the next request on", async () => {
      const dir = await newDirectory("Policy");
      const user = await t.app.inject({
        method: "POST",
        url: `/scim/v2/${dir.id}/Users`,
        headers: bearer(dir.token),
        payload: { userName: "ann@acme.test" },
      });
      const group = await t.app.inject({
        method: "POST",
        url: `/scim/v2/${dir.id}/Groups`,
        headers: bearer(dir.token),
        payload: { displayName: "Staff", members: [{ value: user.json().id }] },
      });
      const patched = await t.app.inject({
        method: "PATCH",
        url: `/directories/${dir.id}`,
        headers: bearer(key),
        payload: { deactivated_members: "remove" },
      });
      expect(patched.statusCode).toBe(200);
      const deactivate = {
        schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        Operations: [{ op: "replace", path: "active", value: false }],
      };
      expect(
        (
          await t.app.inject({
            method: "PATCH",
            url: `/scim/v2/${dir.id}/Users/${user.json().id}`,
            headers: bearer(dir.token),
            payload: deactivate,
          })
        ).statusCode,
      ).toBe(200);
      const members = await t.storage.db
        .selectFrom("group_memberships")
        .select("user_id")
        .where("group_id", "=", group.json().id)
        .execute();
      expect(members).toEqual([]);
    });
  });

  describe("for changes made by another process", () => {
    it("keeps answering from memory until the cache time has passed, then asks the store again", async () => {
      const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 5000 });
      const dir = await newDirectory("Elsewhere");
      expect(await cache.verify(dir.id, dir.token)).toMatchObject({ deactivatedMembers: "hide" });
      await revokeBehindTheCache(dir.token);
      t.clock.advance(4999);
      expect(await cache.verify(dir.id, dir.token)).not.toBeNull();
      t.clock.advance(2);
      expect(await cache.verify(dir.id, dir.token)).toBeNull();
    });

    it("asks the store every time when the cache time is 0", async () => {
      const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 0 });
      const dir = await newDirectory("Uncached");
      expect(await cache.verify(dir.id, dir.token)).not.toBeNull();
      await revokeBehindTheCache(dir.token);
      expect(await cache.verify(dir.id, dir.token)).toBeNull();
    });
  });

  describe("forget", () => {
    it("makes the next verification ask the store", async () => {
      const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 60_000 });
      const dir = await newDirectory("Forgotten");
      expect(await cache.verify(dir.id, dir.token)).not.toBeNull();
      await revokeBehindTheCache(dir.token);
      cache.forget(dir.id);
      expect(await cache.verify(dir.id, dir.token)).toBeNull();
    });

    it("keeps a lookup that was under way when it was called from remembering what it read", async () => {
      const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 60_000 });
      const dir = await newDirectory("Racing");
      const underWay = cache.verify(dir.id, dir.token);
      cache.forget(dir.id);
      expect(await underWay).not.toBeNull();
      await revokeBehindTheCache(dir.token);
      expect(await cache.verify(dir.id, dir.token)).toBeNull();
    });

    it("leaves other directories' tokens remembered", async () => {
      const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 60_000 });
      const kept = await newDirectory("Kept");
      const gone = await newDirectory("Gone");
      await cache.verify(kept.id, kept.token);
      await revokeBehindTheCache(kept.token);
      cache.forget(gone.id);
      expect(await cache.verify(kept.id, kept.token)).not.toBeNull();
    });
  });

  it("never remembers a token it could not find", async () => {
    const cache = createScimTokenCache({ db: t.storage.db, clock: t.clock, ttlMs: 60_000 });
    expect(await cache.verify(otherDirId, "scim_not-a-real-token")).toBeNull();
  });
});
