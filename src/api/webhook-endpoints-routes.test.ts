import { readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { startTestReceiver, verifyStandardSignature } from "../webhooks/webhook-test-support.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const SECRET_KEY = "test-only-secret-key-0123456789abcdefghijklmnop";
const URL_A = "http://127.0.0.1:9/hooks";

describe.each(DIALECTS)("/webhook_endpoints on %s", (dialect) => {
  let t: TestApp;
  let acme: { orgId: string; key: string };
  let other: { orgId: string; key: string };
  beforeAll(async () => {
    t = await createTestApp(dialect, { ROSTER_SECRET_KEY: SECRET_KEY });
    acme = await createOrgWithKey(t.app, "Acme");
    other = await createOrgWithKey(t.app, "Other");
  });
  afterAll(async () => t?.close());

  const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, key: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(key), ...(payload === undefined ? {} : { payload }) });

  it("creates an endpoint in the caller's organization and shows its secret this once", async () => {
    const res = await call("POST", "/webhook_endpoints", acme.key, {
      url: URL_A,
      events: ["dsync.user.created", "dsync.user.created"],
    });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      organization_id: acme.orgId,
      url: URL_A,
      endpoint_url: URL_A,
      events: ["dsync.user.created"],
      enabled: true,
      disabled_reason: null,
    });
    expect(created.id).toMatch(/^we_[0-9A-Z]{26}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const again = await call("GET", `/webhook_endpoints/${created.id}`, acme.key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).not.toHaveProperty("secret");
    const list = await call("GET", "/webhook_endpoints", acme.key);
    expect(list.body).not.toContain(created.secret);

    const row = await t.storage.db
      .selectFrom("webhook_endpoints")
      .selectAll()
      .where("id", "=", created.id)
      .executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(created.secret);
    expect(stored).not.toContain(created.secret.slice("whsec_".length, -1));
    expect(row.secret_sealed).toMatch(/^v1\./);
  });

  it("accepts WorkOS's endpoint_url, and refuses two different URLs", async () => {
    const res = await call("POST", "/webhook_endpoints", acme.key, { endpoint_url: URL_A });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ url: URL_A, events: [] });
    const both = await call("POST", "/webhook_endpoints", acme.key, {
      url: URL_A,
      endpoint_url: "http://127.0.0.1:9/other",
    });
    expect(both.statusCode).toBe(422);
    const none = await call("POST", "/webhook_endpoints", acme.key, { events: [] });
    expect(none.statusCode).toBe(422);
    expect(none.json().errors).toEqual([{ field: "url", code: "required", message: "is required" }]);
  });

  it("refuses URLs that are not http(s), carry credentials, or do not parse, and unknown event types", async () => {
    for (const url of ["ftp://127.0.0.1/x", "not a url", "http://user:pw@127.0.0.1/x", "javascript:alert(1)"]) {
      const res = await call("POST", "/webhook_endpoints", acme.key, { url });
      expect(res.statusCode, url).toBe(422);
      expect(res.json().code).toBe("validation_error");
    }
    const typo = await call("POST", "/webhook_endpoints", acme.key, { url: URL_A, events: ["dsync.user.create"] });
    expect(typo.statusCode).toBe(422);
  });

  it("keeps organizations apart: foreign endpoints are not found, and only the admin makes global ones", async () => {
    const mine = (await call("POST", "/webhook_endpoints", acme.key, { url: URL_A })).json();
    expect(
      (await call("POST", "/webhook_endpoints", acme.key, { url: URL_A, organization_id: other.orgId })).statusCode,
    ).toBe(404);
    for (const [method, path, payload] of [
      ["GET", `/webhook_endpoints/${mine.id}`, undefined],
      ["PATCH", `/webhook_endpoints/${mine.id}`, { enabled: false }],
      ["DELETE", `/webhook_endpoints/${mine.id}`, undefined],
      ["GET", `/webhook_endpoints/${mine.id}/deliveries`, undefined],
    ] as const) {
      expect((await call(method, path, other.key, payload)).statusCode, `${method} ${path}`).toBe(404);
    }
    expect((await call("GET", "/webhook_endpoints?limit=100", other.key)).json().data).toEqual([]);

    const global = await call("POST", "/webhook_endpoints", ADMIN_KEY, { url: URL_A });
    expect(global.statusCode).toBe(201);
    expect(global.json().organization_id).toBeNull();
    expect((await call("GET", `/webhook_endpoints/${global.json().id}`, acme.key)).statusCode).toBe(404);
    const acmeIds = (await call("GET", "/webhook_endpoints?limit=100", acme.key))
      .json()
      .data.map((e: { id: string }) => e.id);
    expect(acmeIds).toContain(mine.id);
    expect(acmeIds).not.toContain(global.json().id);
    expect(
      (
        await call("POST", "/webhook_endpoints", ADMIN_KEY, {
          url: URL_A,
          organization_id: "org_01JAAAAAAAAAAAAAAAAAAAAAAA",
        })
      ).statusCode,
    ).toBe(404);
    const byOrg = (await call("GET", `/webhook_endpoints?limit=100&organization_id=${acme.orgId}`, ADMIN_KEY)).json()
      .data;
    expect(byOrg.every((e: { organization_id: string }) => e.organization_id === acme.orgId)).toBe(true);
  });

  it("pages with before/after cursors like the other lists", async () => {
    const org = await createOrgWithKey(t.app, "Paged");
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await call("POST", "/webhook_endpoints", org.key, { url: `${URL_A}/${i}` })).json().id);
    const first = (await call("GET", "/webhook_endpoints?limit=2&order=asc", org.key)).json();
    expect(first.object).toBe("list");
    expect(first.data.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.list_metadata).toEqual({ before: null, after: ids[1] });
    const second = (await call("GET", `/webhook_endpoints?limit=2&order=asc&after=${ids[1]}`, org.key)).json();
    expect(second.data.map((e: { id: string }) => e.id)).toEqual([ids[2]]);
    expect(second.list_metadata.after).toBeNull();
  });

  it("changes url and events, disables with a reason, and clears it on re-enabling", async () => {
    const created = (await call("POST", "/webhook_endpoints", acme.key, { url: URL_A })).json();
    const patched = await call("PATCH", `/webhook_endpoints/${created.id}`, acme.key, {
      url: "https://hooks.example.com/roster",
      events: ["dsync.group.created"],
      enabled: false,
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      url: "https://hooks.example.com/roster",
      events: ["dsync.group.created"],
      enabled: false,
      disabled_reason: "Disabled through the API",
    });
    expect(patched.json().disabled_at).toBe(t.clock.now().toISOString());
    const enabled = await call("PATCH", `/webhook_endpoints/${created.id}`, acme.key, { enabled: true });
    expect(enabled.json()).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });
    expect(
      (await call("PATCH", `/webhook_endpoints/${created.id}`, acme.key, { url: "file:///etc/passwd" })).statusCode,
    ).toBe(422);
  });

  it("deletes an endpoint, and answers 404 for unknown deliveries", async () => {
    const created = (await call("POST", "/webhook_endpoints", acme.key, { url: URL_A })).json();
    const missing = `/webhook_endpoints/${created.id}/deliveries/whdel_01JAAAAAAAAAAAAAAAAAAAAAAA`;
    expect((await call("GET", missing, acme.key)).statusCode).toBe(404);
    expect((await call("POST", `${missing}/retry`, acme.key)).statusCode).toBe(404);
    expect((await call("GET", `/webhook_endpoints/${created.id}/deliveries`, acme.key)).json()).toEqual({
      object: "list",
      data: [],
      list_metadata: { before: null, after: null },
    });
    expect((await call("DELETE", `/webhook_endpoints/${created.id}`, acme.key)).statusCode).toBe(204);
    expect((await call("GET", `/webhook_endpoints/${created.id}`, acme.key)).statusCode).toBe(404);
  });

  it("test sends one signed webhook.test event now, records nothing, and reports a receiver that cannot be reached", async () => {
    const receiver = await startTestReceiver();
    try {
      const created = (await call("POST", "/webhook_endpoints", acme.key, { url: `${receiver.url}/t` })).json();
      const res = await call("POST", `/webhook_endpoints/${created.id}/test`, acme.key);
      expect(res.statusCode, res.body).toBe(200);
      const tested = res.json();
      expect(tested).toMatchObject({
        object: "webhook_test",
        endpoint_id: created.id,
        delivered: true,
        status_code: 200,
        error: null,
        event: { event: "webhook.test", data: { webhook_endpoint_id: created.id } },
      });
      expect(receiver.receipts).toHaveLength(1);
      expect(receiver.receipts[0]?.webhookId).toBe(tested.event.id);
      expect(
        verifyStandardSignature(created.secret, receiver.receipts[0]?.headers ?? {}, receiver.receipts[0]?.body ?? ""),
      ).toBe(true);
      expect((await call("GET", `/webhook_endpoints/${created.id}/deliveries`, acme.key)).json().data).toEqual([]);
      expect((await call("POST", `/webhook_endpoints/${created.id}/test`, other.key)).statusCode).toBe(404);

      const unreachable = (await call("POST", "/webhook_endpoints", acme.key, { url: URL_A })).json();
      const down = (await call("POST", `/webhook_endpoints/${unreachable.id}/test`, acme.key)).json();
      expect(down).toMatchObject({
        delivered: false,
        status_code: null,
        error: expect.stringMatching(/^The request failed/),
      });
    } finally {
      await receiver.close();
    }
  });

  it("answers 401 without a key and 400 to a malformed id", async () => {
    expect((await t.app.inject({ method: "GET", url: "/webhook_endpoints" })).statusCode).toBe(401);
    expect((await call("GET", "/webhook_endpoints/nope", acme.key)).statusCode).toBe(400);
  });
});

describe("webhook secrets without ROSTER_SECRET_KEY", () => {
  it("on PostgreSQL, refuses to create an endpoint with a clear error instead of a 500", async () => {
    const t = await createTestApp("postgres");
    try {
      const res = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: bearer(ADMIN_KEY),
        payload: { url: URL_A },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe("secret_key_required");
      expect(res.json().message).toMatch(/ROSTER_SECRET_KEY/);
      expect(await t.storage.db.selectFrom("webhook_endpoints").selectAll().execute()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it("on SQLite, generates a private key file beside the database, not inside it", async () => {
    const t = await createTestApp("sqlite");
    try {
      if (t.config.database.kind !== "sqlite") throw new Error("expected SQLite");
      const keyFile = join(dirname(t.config.database.file), "secret.key");
      const res = await t.app.inject({
        method: "POST",
        url: "/webhook_endpoints",
        headers: bearer(ADMIN_KEY),
        payload: { url: URL_A },
      });
      expect(res.statusCode).toBe(201);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = readFileSync(keyFile, "utf8").trim();
      expect(Buffer.from(key, "base64")).toHaveLength(32);
      const settings = JSON.stringify(await t.storage.db.selectFrom("settings").selectAll().execute());
      expect(settings).not.toContain(key);
    } finally {
      await t.close();
    }
  });
});
