import { describe, expect, it } from "vitest";
import { nextLink } from "./link-header.js";
import { apiBase, checkOktaConfig } from "./okta-config.js";
import { paceWaitMs, readRateLimit, throttledWaitMs } from "./rate-limit.js";

describe("okta api connector settings", () => {
  it("accepts an org URL and a token, trimmed, and the optional keys", () => {
    expect(
      checkOktaConfig({
        org_url: " https://acme.okta.com ",
        token: " 00abc ",
        include_app_groups: true,
        timeout_ms: 5000,
      }),
    ).toEqual({
      ok: true,
      value: { org_url: "https://acme.okta.com", token: "00abc", include_app_groups: true, timeout_ms: 5000 },
    });
  });

  it("names every bad field", () => {
    const result = checkOktaConfig({
      org_url: "ftp://acme.okta.com",
      include_app_groups: "yes",
      timeout_ms: 1,
      orgUrl: "x",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.orgUrl", "unknown"],
      ["connector.org_url", "invalid_url"],
      ["connector.token", "required"],
      ["connector.include_app_groups", "type"],
      ["connector.timeout_ms", "out_of_range"],
    ]);
  });

  it.each(["https://admin:pw@acme.okta.com", "https://acme.okta.com/?x=1", "not a url"])(
    "refuses org_url %s",
    (org_url) => {
      expect(checkOktaConfig({ org_url, token: "t" }).ok).toBe(false);
    },
  );

  it("requests under the org's URL whether or not /api/v1 was pasted with it", () => {
    expect(apiBase("https://acme.okta.com/")).toBe("https://acme.okta.com");
    expect(apiBase("https://acme.oktapreview.com/api/v1/")).toBe("https://acme.oktapreview.com");
    expect(apiBase("http://127.0.0.1:8080/okta")).toBe("http://127.0.0.1:8080/okta");
  });
});

describe("Okta's Link paging header", () => {
  it("finds rel=next among separate self and next links, joined by fetch", () => {
    const header =
      '<https://acme.okta.com/api/v1/users?limit=200>; rel="self", <https://acme.okta.com/api/v1/users?after=00u1,x&limit=200>; rel="next"';
    expect(nextLink(header)).toBe("https://acme.okta.com/api/v1/users?after=00u1,x&limit=200");
  });

  it("is null on the last page, or with no header", () => {
    expect(nextLink('<https://acme.okta.com/api/v1/users?limit=200>; rel="self"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it("reads an unquoted rel too", () => {
    expect(nextLink("<https://a.test/x?after=1>; rel=next")).toBe("https://a.test/x?after=1");
  });
});

describe("Okta's rate-limit headers", () => {
  const headers = (values: Record<string, string>) => new Headers(values);

  it("reckons the reset against the answer's Date, not the local clock", () => {
    const state = readRateLimit(
      headers({
        "x-rate-limit-reset": "1700000010",
        date: new Date(1_700_000_000_000).toUTCString(),
        "x-rate-limit-remaining": "0",
        "x-rate-limit-limit": "600",
      }),
      0,
    );
    expect(state).toEqual({ limit: 600, remaining: 0, resetInMs: 10_000 });
    expect(throttledWaitMs(state, 0, 60_000)).toBe(10_250);
    expect(throttledWaitMs(state, 0, 5000)).toBe(5000);
  });

  it("backs off by doubling when a 429 says nothing of its reset", () => {
    expect(throttledWaitMs({ limit: null, remaining: null, resetInMs: null }, 2, 60_000)).toBe(4000);
  });

  it("paces only when the window is nearly spent", () => {
    expect(paceWaitMs({ limit: 600, remaining: 31, resetInMs: 20_000 }, 60_000)).toBe(0);
    expect(paceWaitMs({ limit: 600, remaining: 30, resetInMs: 20_000 }, 60_000)).toBe(20_250);
    expect(paceWaitMs({ limit: null, remaining: 1, resetInMs: 900 }, 60_000)).toBe(1150);
  });
});
