import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { buildApp } from "../app.js";
import { createIdGenerator } from "../core/ids.js";
import { openStorage, type Storage } from "../storage/connect.js";

/** Far below the token cache's lifetime (5 s by default, and for ever on a test clock that stands still). */
const WITHIN_MS = 1_000;

describe("SCIM token changes seen by every process on one PostgreSQL", () => {
  let a: TestApp;
  let b: FastifyInstance;
  let bStorage: Storage;
  let key: string;
  beforeAll(async () => {
    a = await createTestApp("postgres");
    // A second process: its own app, pool and token cache on the same database.
    bStorage = openStorage(a.config.database);
    b = await buildApp(
      { db: bStorage.db, caps: bStorage.caps, clock: a.clock, ids: createIdGenerator(), config: a.config },
      { logger: false },
    );
    key = (await createOrgWithKey(a.app, "Shared")).key;
  });
  afterAll(async () => {
    await b?.close();
    await bStorage?.close();
    await a?.close();
  });

  async function newDirectory(): Promise<{ id: string; token: string }> {
    const res = await a.app.inject({
      method: "POST",
      url: "/directories",
      headers: bearer(key),
      payload: { name: "IdP", type: "okta scim v2.0" },
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id, token: res.json().scim.token };
  }
  const scimOnB = async (directoryId: string, token: string) =>
    (await b.inject({ method: "GET", url: `/scim/v2/${directoryId}/Users?count=1`, headers: bearer(token) }))
      .statusCode;

  /** How long after `change` (made through the first process) the second one stops accepting `token`. */
  async function refusedOnBAfter(directoryId: string, token: string, change: () => Promise<void>): Promise<number> {
    // Known to the second process's cache first.
    expect(await scimOnB(directoryId, token)).toBe(200);
    expect(await scimOnB(directoryId, token)).toBe(200);
    await change();
    const changed = Date.now();
    while (Date.now() - changed < 5_000) {
      if ((await scimOnB(directoryId, token)) !== 200) return Date.now() - changed;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Number.POSITIVE_INFINITY;
  }

  it("stops accepting a token rotated without grace on the other process within a second", async () => {
    const dir = await newDirectory();
    const after = await refusedOnBAfter(dir.id, dir.token, async () => {
      expect(
        (await a.app.inject({ method: "POST", url: `/directories/${dir.id}/scim_token`, headers: bearer(key) }))
          .statusCode,
      ).toBe(201);
    });
    expect(after).toBeLessThan(WITHIN_MS);
  });

  it("stops accepting the token of a directory deleted through the other process within a second", async () => {
    const dir = await newDirectory();
    const after = await refusedOnBAfter(dir.id, dir.token, async () => {
      expect(
        (await a.app.inject({ method: "DELETE", url: `/directories/${dir.id}`, headers: bearer(key) })).statusCode,
      ).toBe(202);
    });
    expect(after).toBeLessThan(WITHIN_MS);
  });

  it("keeps accepting a token whose directory changed nothing that matters to it", async () => {
    const dir = await newDirectory();
    expect(await scimOnB(dir.id, dir.token)).toBe(200);
    await a.app.inject({
      method: "PATCH",
      url: `/directories/${dir.id}`,
      headers: bearer(key),
      payload: { name: "Renamed" },
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await scimOnB(dir.id, dir.token)).toBe(200);
  });
});
