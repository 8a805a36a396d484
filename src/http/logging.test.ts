import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp, type TestApp } from "../../test/support/test-app.js";

describe("structured request logs", () => {
  let t: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    const stream = new PassThrough();
    stream.on("data", (chunk: Buffer) => lines.push(...chunk.toString("utf8").split("\n").filter(Boolean)));
    t = await createTestApp("sqlite", { LOG_LEVEL: "info" }, { logStream: stream });
  });
  afterAll(async () => t?.close());

  it("writes JSON lines with the request id and never a key or token", async () => {
    const { key } = await createOrgWithKey(t.app, "Logged");
    const dir = (
      await t.app.inject({
        method: "POST",
        url: "/directories",
        headers: bearer(key),
        payload: { name: "d", type: "okta scim v2.0" },
      })
    ).json();
    await t.app.inject({
      method: "GET",
      url: `/scim/v2/${dir.id}/ServiceProviderConfig`,
      headers: { ...bearer(dir.scim.token), "x-request-id": "trace-1" },
    });
    await t.app.inject({ method: "GET", url: "/directories", headers: bearer("sk_wrong_secret_value") });
    await new Promise((resolve) => setImmediate(resolve));

    const entries = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url?: string } });
    expect(entries.some((e) => e.reqId === "trace-1")).toBe(true);
    expect(entries.some((e) => e.req?.url === "/directories")).toBe(true);
    const all = lines.join("\n");
    for (const secret of [ADMIN_KEY, key, dir.scim.token, "sk_wrong_secret_value"]) expect(all).not.toContain(secret);
  });
});
