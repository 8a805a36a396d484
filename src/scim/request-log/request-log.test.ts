import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { createScimDirectory, SCHEMA, type ScimDirectory, scimClient } from "../../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../../test/support/test-app.js";
import { createScimRequestLog } from "./request-log.js";

interface LoggedRequest {
  readonly status: number;
  readonly authenticated: boolean;
  readonly path: string;
}

describe.each(DIALECTS)("the SCIM request log under unauthenticated traffic on %s", (dialect) => {
  let t: TestApp;
  let dir: ScimDirectory;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    dir = await createScimDirectory(t.app);
  });
  afterAll(async () => t?.close());

  const anonymousPost = (remoteAddress: string, directoryId = dir.id) =>
    t.app.inject({
      method: "POST",
      url: `/scim/v2/${directoryId}/Users`,
      remoteAddress,
      headers: { "content-type": "application/scim+json" },
      payload: JSON.stringify({ schemas: [SCHEMA.user], userName: "flood@x.com" }),
    });

  async function logged(directoryId: string): Promise<LoggedRequest[]> {
    const entries: LoggedRequest[] = [];
    let after = "";
    for (;;) {
      const res = await t.app.inject({
        method: "GET",
        url: `/directories/${directoryId}/scim_requests?limit=100${after}`,
        headers: bearer(ADMIN_KEY),
      });
      expect(res.statusCode).toBe(200);
      entries.push(...res.json().data);
      const next = res.json().list_metadata.after;
      if (!next) return entries;
      after = `&after=${next}`;
    }
  }

  it("keeps every authenticated entry while 1,100 POSTs without a token hit the directory's URL", async () => {
    const scim = scimClient(t.app, dir);
    for (let i = 0; i < 30; i++) expect((await scim("GET", `/Users?count=1&startIndex=${i + 1}`)).statusCode).toBe(200);
    // Eleven client addresses, each within its budget of 100 a minute: the log quota alone must hold.
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1100; i++) {
      const res = await anonymousPost(`192.0.2.${i % 11}`);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 1100 });
    const entries = await logged(dir.id);
    const authenticated = entries.filter((e) => e.authenticated);
    expect(authenticated).toHaveLength(30);
    expect(authenticated.every((e) => e.status === 200 && e.path.includes("/Users?count=1"))).toBe(true);
    const others = entries.filter((e) => !e.authenticated);
    expect(others).toHaveLength(100);
    expect(others.every((e) => e.status === 401)).toBe(true);
  });

  it("answers a client address past its budget of failed authentications with a SCIM 429 and Retry-After", async () => {
    const address = "198.51.100.7";
    const statuses: number[] = [];
    let last = await anonymousPost(address);
    statuses.push(last.statusCode);
    for (let i = 0; i < t.config.rateLimit.scimUnauthenticatedMax; i++) {
      last = await anonymousPost(address);
      statuses.push(last.statusCode);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(t.config.rateLimit.scimUnauthenticatedMax);
    expect(statuses.at(-1)).toBe(429);
    expect(last.json()).toMatchObject({ schemas: [SCHEMA.error], status: "429" });
    expect(Number(last.headers["retry-after"])).toBeGreaterThan(0);
    // The budget is the address's across directories, known or not, and the token's own is apart.
    const elsewhere = await createScimDirectory(t.app);
    expect((await anonymousPost(address, elsewhere.id)).statusCode).toBe(429);
    expect((await anonymousPost(address, "directory_01KA0000000000000000000000")).statusCode).toBe(429);
    expect((await anonymousPost("198.51.100.8")).statusCode).toBe(401);
    const withToken = await t.app.inject({
      method: "GET",
      url: `${dir.base}/Users?count=1`,
      remoteAddress: address,
      headers: bearer(dir.token),
    });
    expect(withToken.statusCode).toBe(200);
  });

  it("keeps, from one flush holding more than it retains, the newest entries of each directory and kind", async () => {
    const other = await createScimDirectory(t.app);
    const log = createScimRequestLog({
      db: t.deps.db,
      ids: t.deps.ids,
      clock: t.deps.clock,
      onError: (err) => expect.fail(String(err)),
      retain: 5,
      retainUnauthenticated: 2,
      flushMs: 3_600_000,
    });
    const entry = (directory_id: string, n: number, authenticated: number) =>
      log.record({
        directory_id,
        method: "GET",
        path: `/n/${n}`,
        status: authenticated ? 200 : 401,
        latency_ms: 1,
        error_detail: null,
        request_body: null,
        user_agent: null,
        authenticated,
      });
    // Interleaved: directories and kinds alternate, so a per-flush cut must count each apart.
    for (let n = 0; n < 40; n++) {
      entry(other.id, n, n % 3 === 0 ? 0 : 1);
      if (n % 4 === 0) entry(dir.id, n, 1);
    }
    await log.flush();
    const paths = async (directoryId: string, authenticated: boolean) =>
      (await log.list(directoryId, {}, { limit: 100, order: "desc" })).data
        .filter((r) => Boolean(r.authenticated) === authenticated)
        .map((r) => r.path)
        .sort();
    expect(await paths(other.id, true)).toEqual(["/n/32", "/n/34", "/n/35", "/n/37", "/n/38"].sort());
    expect(await paths(other.id, false)).toEqual(["/n/36", "/n/39"]);
    const mine = await paths(dir.id, true);
    expect(mine.filter((p) => p.startsWith("/n/"))).toEqual(["/n/20", "/n/24", "/n/28", "/n/32", "/n/36"].sort());
    await log.close();
  });
});
