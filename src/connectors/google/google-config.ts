import type { FieldError } from "../../core/errors.js";
import { type CheckedConfig, checkHttpUrl, checkInteger } from "../config-fields.js";
import { readServiceAccountKey } from "./service-account-key.js";

/** The `connector` object of a `google workspace` directory. */
export interface GoogleConfig {
  /** The service account's JSON key file: its text, or the parsed object. Sealed at rest, never returned. */
  readonly service_account_key: string | Record<string, unknown>;
  /** A super admin (or an admin allowed to read users and groups) the service account acts as: the JWT's `sub`. */
  readonly admin_email: string;
  /** The Workspace account's customer ID; `my_customer` (the admin's own account) when left out. */
  readonly customer_id?: string | undefined;
  /** Read only this domain's users and groups instead of the whole account's. */
  readonly domain?: string | undefined;
  /** The Admin SDK's base, `https://admin.googleapis.com` when left out; `/admin/directory/v1/…` is appended. */
  readonly api_url?: string | undefined;
  /** The OAuth 2.0 token endpoint; the key file's `token_uri` (else Google's) when left out. */
  readonly token_url?: string | undefined;
  /** Requests per minute, at most; Google's default quota is 2,400 per minute per user per project. */
  readonly requests_per_minute?: number | undefined;
  /** Per request, including reading the body. */
  readonly timeout_ms?: number | undefined;
}

export const GOOGLE_DEFAULTS = Object.freeze({
  customer_id: "my_customer",
  api_url: "https://admin.googleapis.com",
  token_url: "https://oauth2.googleapis.com/token",
  requests_per_minute: 2400,
  timeout_ms: 30_000,
});

const TIMEOUT_MS = { min: 100, max: 600_000 };
const REQUESTS_PER_MINUTE = { min: 1, max: 100_000 };
const FIELDS = new Set([
  "service_account_key",
  "admin_email",
  "customer_id",
  "domain",
  "api_url",
  "token_url",
  "requests_per_minute",
  "timeout_ms",
]);
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const CUSTOMER_ID = /^(?:my_customer|C[0-9a-z]+)$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export type CheckedGoogleConfig = CheckedConfig<GoogleConfig>;

/** The base requests are made under: without trailing slashes or a pasted `/admin/directory/v1`. */
export function apiBase(apiUrl: string | undefined): string {
  return (apiUrl ?? GOOGLE_DEFAULTS.api_url)
    .trim()
    .replace(/\/+$/, "")
    .replace(/\/admin\/directory\/v1$/i, "");
}

function urlError(value: unknown, field: string, what: string): FieldError | null {
  if (value === undefined) return null;
  return checkHttpUrl(value, {
    field,
    what,
    credential: "the service account key",
    appended: "API paths and list parameters",
  });
}

function optionalText(
  raw: Record<string, unknown>,
  key: string,
  pattern: RegExp,
  expected: string,
  errors: FieldError[],
): void {
  const value = raw[key];
  if (value === undefined) return;
  if (typeof value !== "string" || !pattern.test(value.trim()))
    errors.push({ field: `connector.${key}`, code: "invalid", message: `must be ${expected}` });
}

/** Validates a `google workspace` connector object from the API; every problem named by field, never quoting the key. */
export function checkGoogleConfig(input: unknown): CheckedGoogleConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        { field: "connector", code: "type", message: "must be an object with service_account_key and admin_email" },
      ],
    };
  }
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key))
      errors.push({
        field: `connector.${key}`,
        code: "unknown",
        message: `is not a google workspace setting (expected ${[...FIELDS].join(", ")})`,
      });
  }
  if (raw.service_account_key === undefined || raw.service_account_key === "") {
    errors.push({
      field: "connector.service_account_key",
      code: "required",
      message: "is required: the service account's JSON key file",
    });
  } else {
    const key = readServiceAccountKey(raw.service_account_key);
    if (!key.ok) errors.push({ field: "connector.service_account_key", code: "invalid", message: key.message });
  }
  if (typeof raw.admin_email !== "string" || raw.admin_email.trim() === "") {
    errors.push({
      field: "connector.admin_email",
      code: "required",
      message: "is required: an admin of the Workspace account for the service account to act as",
    });
  } else if (!EMAIL.test(raw.admin_email.trim())) {
    errors.push({ field: "connector.admin_email", code: "invalid", message: "must be an email address" });
  }
  optionalText(raw, "customer_id", CUSTOMER_ID, "my_customer or the account's customer ID (C0…)", errors);
  optionalText(raw, "domain", DOMAIN, "a domain name, e.g. acme.com", errors);
  for (const error of [
    urlError(raw.api_url, "connector.api_url", "the Admin SDK's base URL, e.g. https://admin.googleapis.com"),
    urlError(
      raw.token_url,
      "connector.token_url",
      "the OAuth 2.0 token endpoint, e.g. https://oauth2.googleapis.com/token",
    ),
    checkInteger("connector.requests_per_minute", raw.requests_per_minute, REQUESTS_PER_MINUTE),
    checkInteger("connector.timeout_ms", raw.timeout_ms, TIMEOUT_MS),
  ]) {
    if (error) errors.push(error);
  }
  if (errors.length > 0) return { ok: false, errors };
  const trimmed = (key: string) => (typeof raw[key] === "string" ? { [key]: (raw[key] as string).trim() } : {});
  const number = (key: string) => (raw[key] === undefined ? {} : { [key]: raw[key] as number });
  return {
    ok: true,
    value: {
      service_account_key: raw.service_account_key as GoogleConfig["service_account_key"],
      admin_email: (raw.admin_email as string).trim(),
      ...trimmed("customer_id"),
      ...trimmed("domain"),
      ...trimmed("api_url"),
      ...trimmed("token_url"),
      ...number("requests_per_minute"),
      ...number("timeout_ms"),
    },
  };
}
