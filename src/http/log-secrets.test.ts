// A whole working session, logged at debug: every line is JSON, tenant requests name their
// organization (and directory), and no key, token, secret or password Roster minted or was given
// appears anywhere in the log.
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

describe("logs of a whole session", () => {
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
    t = await createTestApp(
      "sqlite",
      { LOG_LEVEL: "debug", ROSTER_SECRET_KEY: "log-secrets-test-key-0123456789abcdefghijkl" },
      { logStream: stream },
    );
  });
  afterAll(async () => t?.close());

  it("never carry a secret, and name the tenant of every tenant request", async () => {
    const secrets: string[] = [ADMIN_KEY];
    const call = async (
      method: "GET" | "POST" | "PATCH",
      url: string,
      key: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...bearer(key), ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      return res;
    };

    const { orgId, key } = await createOrgWithKey(t.app, "Logged Co");
    secrets.push(key);
    const dir = (await call("POST", "/directories", key, { name: "Okta", type: "okta scim v2.0" })).json();
    secrets.push(dir.scim.token);
    const rotated = (await call("POST", `/directories/${dir.id}/scim_token`, key, { grace_period_seconds: 60 })).json();
    const token = rotated.scim?.token ?? rotated.token;
    expect(typeof token).toBe("string");
    secrets.push(token);

    const scimHeaders = { "content-type": "application/scim+json", "x-request-id": "scim-trace" };
    expect(
      (
        await call(
          "POST",
          `/scim/v2/${dir.id}/Users`,
          token,
          JSON.stringify({ schemas: [USER], userName: "ada@logged.test", password: "hunter2-user-password" }),
          scimHeaders,
        )
      ).statusCode,
    ).toBe(201);
    secrets.push("hunter2-user-password");
    await call("GET", `/scim/v2/${dir.id}/Users?filter=userName eq "nobody"`, "scim_wrong_token_value_0123456789");
    secrets.push("scim_wrong_token_value_0123456789");

    const endpoint = (await call("POST", "/webhook_endpoints", key, { url: "https://logged.example/hooks" })).json();
    secrets.push(endpoint.secret);
    const pull = await call("POST", "/directories", ADMIN_KEY, {
      organization_id: orgId,
      name: "Upstream",
      type: "scim pull",
      connector: { base_url: "https://upstream.example/scim/v2", token: "upstream-bearer-token-value" },
    });
    expect(pull.statusCode).toBe(201);
    secrets.push("upstream-bearer-token-value");
    await call("PATCH", `/directories/${pull.json().id}`, ADMIN_KEY, {
      connector: { token: "upstream-bearer-token-rotated" },
    });
    secrets.push("upstream-bearer-token-rotated");

    const link = (await call("POST", "/portal/generate_link", key, { organization: orgId, intent: "dsync" })).json()
      .link as string;
    const linkSecret = new URL(link).searchParams.get("secret") as string;
    secrets.push(linkSecret);
    const opened = await t.app.inject({ method: "GET", url: `${new URL(link).pathname}${new URL(link).search}` });
    for (const cookie of [opened.headers["set-cookie"] ?? []].flat())
      secrets.push(decodeURIComponent(cookie.split(";")[0]?.split("=").slice(1).join("=") ?? ""));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.length).toBeGreaterThan(20);
    const log = lines.join("\n");
    for (const secret of secrets.filter((s) => s.length >= 8))
      expect(log.includes(secret), `a secret (${secret.slice(0, 6)}…) was logged`).toBe(false);

    const scimLines = entries.filter((entry) => entry.reqId === "scim-trace");
    expect(scimLines.length).toBeGreaterThanOrEqual(2);
    for (const entry of scimLines.filter((e) => e.msg === "request completed"))
      expect(entry).toMatchObject({ organizationId: orgId, directoryId: dir.id });
    const orgRequests = entries.filter((entry) => entry.msg === "request completed" && entry.organizationId === orgId);
    expect(orgRequests.length).toBeGreaterThanOrEqual(4);
  });
});
