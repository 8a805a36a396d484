import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createApiKeyLastUse } from "./api-key-last-use.js";

/** What `GET /organizations/{id}/api_keys` says of a key's last use. */
async function lastUsed(t: TestApp, orgId: string, keyId: string): Promise<string | null> {
  const res = await t.app.inject({
    method: "GET",
    url: `/organizations/${orgId}/api_keys`,
    headers: bearer(ADMIN_KEY),
  });
  const key = (res.json().data as { id: string; last_used_at: string | null }[]).find((k) => k.id === keyId);
  if (!key) throw new Error(`key ${keyId} not listed`);
  return key.last_used_at;
}

async function eventually<T>(read: () => Promise<T>, until: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (until(value) || Date.now() > deadline) return value;
    await new Promise((later) => setTimeout(later, 50));
  }
}

describe.each(DIALECTS)("an API key's last use on %s", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => t?.close());

  it("is unset until the key authenticates a request, then set to the time of that request", async () => {
    const { orgId, key, keyId } = await createOrgWithKey(t.app, "Used");
    expect(await lastUsed(t, orgId, keyId)).toBeNull();

    const at = t.clock.now().toISOString();
    expect(
      (await t.app.inject({ method: "GET", url: `/organizations/${orgId}`, headers: bearer(key) })).statusCode,
    ).toBe(200);
    expect(
      await eventually(
        () => lastUsed(t, orgId, keyId),
        (value) => value !== null,
      ),
    ).toBe(at);
  });

  it("moves at most once a minute, however often the key is used", async () => {
    const { orgId, key, keyId } = await createOrgWithKey(t.app, "Busy");
    const first = t.clock.now().toISOString();
    await t.app.inject({ method: "GET", url: `/organizations/${orgId}`, headers: bearer(key) });
    expect(
      await eventually(
        () => lastUsed(t, orgId, keyId),
        (value) => value !== null,
      ),
    ).toBe(first);

    t.clock.advance(30_000);
    for (let i = 0; i < 5; i++)
      await t.app.inject({ method: "GET", url: `/organizations/${orgId}`, headers: bearer(key) });
    await new Promise((later) => setTimeout(later, 1_500));
    expect(await lastUsed(t, orgId, keyId)).toBe(first);

    t.clock.advance(31_000);
    const later = t.clock.now().toISOString();
    await t.app.inject({ method: "GET", url: `/organizations/${orgId}`, headers: bearer(key) });
    expect(
      await eventually(
        () => lastUsed(t, orgId, keyId),
        (value) => value !== first,
      ),
    ).toBe(later);
  });

  it("is not touched by a revoked key or a wrong one", async () => {
    const { orgId, key, keyId } = await createOrgWithKey(t.app, "Revoked");
    await t.app.inject({
      method: "DELETE",
      url: `/organizations/${orgId}/api_keys/${keyId}`,
      headers: bearer(ADMIN_KEY),
    });
    expect(
      (await t.app.inject({ method: "GET", url: `/organizations/${orgId}`, headers: bearer(key) })).statusCode,
    ).toBe(401);
    await new Promise((later) => setTimeout(later, 1_500));
    const row = await t.storage.db
      .selectFrom("api_keys")
      .select("last_used_at")
      .where("id", "=", keyId)
      .executeTakeFirstOrThrow();
    expect(row.last_used_at).toBeNull();
  });

  it("writes what is pending when closed, and skips a key another process wrote within the minute", async () => {
    const { orgId, keyId } = await createOrgWithKey(t.app, "Shared");
    const other = createApiKeyLastUse({
      db: t.storage.db,
      clock: t.clock,
      onError: (err) => {
        throw err;
      },
      flushDelayMs: 60_000,
    });
    const first = t.clock.now().toISOString();
    other.record(keyId);
    await other.close();
    expect(await lastUsed(t, orgId, keyId)).toBe(first);

    t.clock.advance(10_000);
    const another = createApiKeyLastUse({
      db: t.storage.db,
      clock: t.clock,
      onError: (err) => {
        throw err;
      },
    });
    another.record(keyId);
    await another.close();
    expect(await lastUsed(t, orgId, keyId)).toBe(first);
  });
});
