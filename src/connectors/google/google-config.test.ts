import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backoffMs, retryAfterMs } from "./backoff.js";
import { apiBase, checkGoogleConfig } from "./google-config.js";
import { jwtAssertion } from "./jwt-assertion.js";
import { createRequestPacer } from "./request-pacer.js";
import { readServiceAccountKey } from "./service-account-key.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const KEY_FILE = {
  type: "service_account",
  project_id: "p",
  private_key_id: "kid1",
  private_key: PEM,
  client_email: "sync@p.iam.gserviceaccount.com",
  token_uri: "https://oauth2.googleapis.com/token",
};

describe("google workspace connector settings", () => {
  it("accepts the key file as text or as an object, and the optional keys, trimmed", () => {
    const result = checkGoogleConfig({
      service_account_key: JSON.stringify(KEY_FILE),
      admin_email: " admin@acme.com ",
      customer_id: "C03az79cb",
      api_url: "http://127.0.0.1:9/",
      token_url: "http://127.0.0.1:9/token",
      requests_per_minute: 600,
      timeout_ms: 5000,
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        admin_email: "admin@acme.com",
        customer_id: "C03az79cb",
        api_url: "http://127.0.0.1:9/",
        requests_per_minute: 600,
      },
    });
    expect(
      checkGoogleConfig({ service_account_key: KEY_FILE, admin_email: "admin@acme.com", domain: "acme.com" }).ok,
    ).toBe(true);
  });

  it("names every bad field, never quoting the key", () => {
    const result = checkGoogleConfig({
      service_account_key:
        '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nsecret-bits\\n-----END PRIVATE KEY-----"}',
      admin_email: "admin",
      domain: "not a domain",
      customer_id: "acme",
      api_url: "ftp://x",
      requests_per_minute: 0,
      adminEmail: "x",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.adminEmail", "unknown"],
      ["connector.service_account_key", "invalid"],
      ["connector.admin_email", "invalid"],
      ["connector.customer_id", "invalid"],
      ["connector.domain", "invalid"],
      ["connector.api_url", "invalid_url"],
      ["connector.requests_per_minute", "out_of_range"],
    ]);
    expect(JSON.stringify(result.errors)).not.toContain("secret-bits");
    const missing = checkGoogleConfig({});
    expect(missing.ok ? [] : missing.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.service_account_key", "required"],
      ["connector.admin_email", "required"],
    ]);
  });

  it.each([
    ["not JSON", "is not JSON"],
    [{ ...KEY_FILE, type: "authorized_user" }, '"type" must be "service_account"'],
    [{ ...KEY_FILE, client_email: "" }, "no client_email"],
    [
      { ...KEY_FILE, private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" },
      "not a PEM private key",
    ],
    [
      {
        ...KEY_FILE,
        private_key: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({
          type: "pkcs8",
          format: "pem",
        }),
      },
      "not an RSA key",
    ],
    [{ ...KEY_FILE, token_uri: "file:///etc/passwd" }, "token_uri"],
  ])("refuses a key file that is %s", (file, message) => {
    const read = readServiceAccountKey(typeof file === "string" ? file : JSON.stringify(file));
    expect(read).toMatchObject({ ok: false, message: expect.stringContaining(message) });
  });

  it("requests under the Admin SDK's base whether or not the API path was pasted with it", () => {
    expect(apiBase(undefined)).toBe("https://admin.googleapis.com");
    expect(apiBase("https://admin.googleapis.com/admin/directory/v1/")).toBe("https://admin.googleapis.com");
    expect(apiBase("http://127.0.0.1:8080/google")).toBe("http://127.0.0.1:8080/google");
  });
});

describe("the JWT bearer assertion", () => {
  it("is RS256-signed by the key, issued by client_email for the admin, with the scopes and the token endpoint as audience, for an hour", () => {
    const read = readServiceAccountKey(KEY_FILE);
    if (!read.ok) throw new Error(read.message);
    const jwt = jwtAssertion(
      read.key,
      {
        subject: "admin@acme.com",
        scopes: ["https://www.googleapis.com/auth/a", "https://www.googleapis.com/auth/b"],
        audience: "https://oauth2.googleapis.com/token",
      },
      1_700_000_000_500,
    );
    const [header, payload, signature] = jwt.split(".") as [string, string, string];
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "RS256", typ: "JWT", kid: "kid1" });
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toEqual({
      iss: "sync@p.iam.gserviceaccount.com",
      sub: "admin@acme.com",
      scope: "https://www.googleapis.com/auth/a https://www.googleapis.com/auth/b",
      aud: "https://oauth2.googleapis.com/token",
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
    expect(
      verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, "base64url")),
    ).toBe(true);
  });
});

describe("Google's backoff", () => {
  it("honours Retry-After in seconds or as a date against the answer's Date", () => {
    expect(retryAfterMs(new Headers({ "retry-after": "3" }))).toBe(3000);
    const date = new Date(1_700_000_000_000);
    expect(
      retryAfterMs(new Headers({ "retry-after": new Date(1_700_000_002_000).toUTCString(), date: date.toUTCString() })),
    ).toBe(2000);
    expect(retryAfterMs(new Headers())).toBeNull();
  });

  it("doubles from a second when the answer says nothing, within the longest wait", () => {
    expect(backoffMs(0, null, 60_000)).toBeGreaterThanOrEqual(1000);
    expect(backoffMs(0, null, 60_000)).toBeLessThan(1250);
    expect(backoffMs(3, null, 60_000)).toBeGreaterThanOrEqual(8000);
    expect(backoffMs(10, null, 5000)).toBe(5000);
    expect(backoffMs(4, 1500, 60_000)).toBe(1500);
  });
});

describe("the per-minute pacer", () => {
  it("spaces request starts evenly, however many ask at once", async () => {
    const pace = createRequestPacer(600);
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 5 }, () => pace(AbortSignal.timeout(5000)).then(() => at.push(Date.now() - started))),
    );
    expect(at.at(-1)).toBeGreaterThanOrEqual(390);
    expect(at.at(-1)).toBeLessThan(1500);
  });
});
