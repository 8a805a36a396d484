import { describe, expect, it } from "vitest";
import { checkScimPullConfig } from "./scim-pull-config.js";
import { retryDelayMs } from "./retry-after.js";
import { scimPullKind } from "./scim-pull-kind.js";

describe("scim pull connector settings", () => {
  it("accepts an https base URL and a token, trimmed", () => {
    expect(
      checkScimPullConfig({ base_url: " https://idp.example.com/scim/v2 ", token: " s3cret ", page_size: 200 }),
    ).toEqual({
      ok: true,
      value: { base_url: "https://idp.example.com/scim/v2", token: "s3cret", page_size: 200 },
    });
  });

  it("names every bad field", () => {
    const result = checkScimPullConfig({
      base_url: "ldap://dc.example.com",
      page_size: 0,
      timeout_ms: 1.5,
      baseUrl: "x",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.baseUrl", "unknown"],
      ["connector.base_url", "invalid_url"],
      ["connector.token", "required"],
      ["connector.page_size", "out_of_range"],
      ["connector.timeout_ms", "out_of_range"],
    ]);
  });

  it.each([
    ["not a url", "invalid_url"],
    ["", "required"],
    ["https://user:pw@idp.example.com/scim", "invalid_url"],
    ["https://idp.example.com/scim?tenant=1", "invalid_url"],
  ])("refuses base_url %j", (base_url, code) => {
    const result = checkScimPullConfig({ base_url, token: "t" });
    expect(result).toMatchObject({ ok: false, errors: [{ field: "connector.base_url", code }] });
  });

  it("refuses a connector that is not an object", () => {
    expect(checkScimPullConfig("https://x")).toMatchObject({ ok: false, errors: [{ field: "connector" }] });
  });
});

describe("Retry-After", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delta-seconds and HTTP dates, bounded", () => {
    expect(retryDelayMs("2", 0, 30_000, now)).toBe(2000);
    expect(retryDelayMs("Thu, 01 Jan 2026 00:00:05 GMT", 0, 30_000, now)).toBe(5000);
    expect(retryDelayMs("86400", 0, 30_000, now)).toBe(30_000);
    expect(retryDelayMs("Wed, 31 Dec 2025 00:00:00 GMT", 0, 30_000, now)).toBe(0);
  });

  it("backs off by doubling when there is none", () => {
    expect([null, "soon"].map((h) => retryDelayMs(h, 1, 30_000, now))).toEqual([2000, 2000]);
  });
});

describe("the scim pull connector kind", () => {
  it("validates with field errors and keeps the token secret", async () => {
    expect(scimPullKind.secretKeys).toEqual(["token"]);
    expect(scimPullKind.validate({ base_url: "https://idp.example.com/scim/v2", token: "t" })).toEqual([]);
    expect(scimPullKind.validate({ base_url: "ftp://x" })).toMatchObject([
      { field: "connector.base_url" },
      { field: "connector.token" },
    ]);
    expect(() => scimPullKind.open({ base_url: "ftp://x" })).toThrow(/connector.base_url/);
    expect(scimPullKind.open({ base_url: "https://idp.example.com/scim/v2", token: "t" }).supportsDelta).toBe(false);
  });
});
