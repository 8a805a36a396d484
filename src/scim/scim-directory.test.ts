import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";
import { createDirectoryService } from "../tenancy/directories.js";

const NEVER_CREATED = "directory_01KA0000000000000000000000";

describe.each(DIALECTS)("SCIM requests to a directory that is not live on %s", (dialect) => {
  let t: TestApp;
  let live: ScimDirectory;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    live = await createScimDirectory(t.app);
  });
  afterAll(async () => t?.close());

  const request = (directoryId: string, token: string | null, method: "GET" | "POST" = "GET") =>
    t.app.inject({
      method,
      url: `/scim/v2/${directoryId}/Users${method === "GET" ? "?filter=userName%20eq%20%22a%40x.com%22" : ""}`,
      headers: {
        ...(token ? bearer(token) : {}),
        ...(method === "POST" ? { "content-type": "application/scim+json" } : {}),
      },
      ...(method === "POST" ? { payload: JSON.stringify({ schemas: [SCHEMA.user], userName: "a@x.com" }) } : {}),
    });
  /** What a caller can observe of an answer: its status, the headers that matter and the body. */
  const observed = (res: Awaited<ReturnType<typeof request>>) => ({
    status: res.statusCode,
    auth: res.headers["www-authenticate"],
    type: res.headers["content-type"],
    body: res.body,
  });
  const deleteDirectory = (id: string) =>
    t.app.inject({ method: "DELETE", url: `/directories/${id}`, headers: bearer(ADMIN_KEY) });

  it("tells the bearer of a deleted directory's token that the directory is deleted, with a SCIM 404", async () => {
    const dir = await createScimDirectory(t.app);
    expect((await deleteDirectory(dir.id)).statusCode).toBe(202);
    for (const method of ["GET", "POST"] as const) {
      const res = await request(dir.id, dir.token, method);
      expect(res.statusCode).toBe(404);
      expect(res.headers["content-type"]).toContain("application/scim+json");
      expect(res.headers["www-authenticate"]).toBeUndefined();
      expect(res.json()).toEqual({ schemas: [SCHEMA.error], status: "404", detail: expect.stringMatching(/deleted/) });
    }
  });

  it("answers anyone else exactly as for a directory that never existed, so deletion cannot be told from absence", async () => {
    const dir = await createScimDirectory(t.app);
    await deleteDirectory(dir.id);
    const absent = observed(await request(NEVER_CREATED, null));
    expect(absent.status).toBe(404);
    expect(JSON.parse(absent.body)).toEqual({
      schemas: [SCHEMA.error],
      status: "404",
      detail: "No SCIM directory at this URL",
    });
    for (const token of [null, "scim_not_a_real_token_0000000000000000000000000", live.token, ADMIN_KEY]) {
      expect(observed(await request(dir.id, token)), String(token)).toEqual(absent);
      expect(observed(await request(NEVER_CREATED, token)), String(token)).toEqual(absent);
    }
  });

  it("answers 404 for a purged directory, even with the token it had", async () => {
    const dir = await createScimDirectory(t.app);
    await deleteDirectory(dir.id);
    t.clock.advance((t.config.restoreDays + 1) * 86_400_000);
    expect(await createDirectoryService(t.deps).purgeExpired()).toBeGreaterThan(0);
    const purged = observed(await request(dir.id, dir.token));
    expect(purged.status).toBe(404);
    expect(purged).toEqual(observed(await request(NEVER_CREATED, null)));
  });

  it("keeps 401 for a live directory without its token, and opens a restored directory to its token again", async () => {
    const missing = await request(live.id, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="roster-scim"');
    const dir = await createScimDirectory(t.app);
    await deleteDirectory(dir.id);
    expect((await request(dir.id, dir.token)).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: "POST", url: `/directories/${dir.id}/restore`, headers: bearer(ADMIN_KEY) }))
        .statusCode,
    ).toBe(200);
    expect((await request(dir.id, dir.token)).statusCode).toBe(200);
  });

  it("does not tell a token that expired before the deletion that the directory is deleted", async () => {
    const dir = await createScimDirectory(t.app);
    const rotated = await t.app.inject({
      method: "POST",
      url: `/directories/${dir.id}/scim_token`,
      headers: bearer(ADMIN_KEY),
      payload: { grace_period_seconds: 60 },
    });
    expect(rotated.statusCode).toBe(201);
    t.clock.advance(61_000);
    await deleteDirectory(dir.id);
    expect(observed(await request(dir.id, dir.token))).toEqual(observed(await request(NEVER_CREATED, null)));
    expect(JSON.parse((await request(dir.id, rotated.json().token)).body).detail).toMatch(/deleted/);
  });
});
