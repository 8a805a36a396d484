import type { FieldError } from "../../core/errors.js";

/** The `connector` object of an `okta api` directory. */
export interface OktaConfig {
  /** The org's API base, e.g. `https://acme.okta.com` (a preview org or a stand-in too); `/api/v1/…` is appended. */
  readonly org_url: string;
  /** An Okta API token, sent as `Authorization: SSWS <token>`. */
  readonly token: string;
  /** Also read groups of type APP_GROUP (groups imported from apps such as Active Directory). */
  readonly include_app_groups?: boolean | undefined;
  /** Per request, including reading the body. */
  readonly timeout_ms?: number | undefined;
}

export const OKTA_DEFAULTS = Object.freeze({ timeout_ms: 30_000 });

const TIMEOUT_MS = { min: 100, max: 600_000 };
const FIELDS = new Set(["org_url", "token", "include_app_groups", "timeout_ms"]);

export type CheckedOktaConfig = { readonly ok: true; readonly value: OktaConfig } | { readonly ok: false; readonly errors: readonly FieldError[] };

function checkOrgUrl(value: unknown): FieldError | null {
  const field = "connector.org_url";
  if (typeof value !== "string" || value.trim() === "") return { field, code: "required", message: "is required: the Okta org's URL, e.g. https://acme.okta.com" };
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { field, code: "invalid_url", message: `"${value}" is not a URL` };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { field, code: "invalid_url", message: "must be an http or https URL" };
  // Credentials in the URL would be stored and shown unencrypted; the token field is sealed.
  if (url.username || url.password) return { field, code: "invalid_url", message: "must not carry credentials: put the API token in token" };
  if (url.search || url.hash) return { field, code: "invalid_url", message: "must not have a ?query or #fragment: API paths are appended to it" };
  return null;
}

/**
 * The base requests are made under: the URL without trailing slashes and without a trailing
 * `/api/v1`, which people often paste along with the org's URL.
 */
export function apiBase(orgUrl: string): string {
  return orgUrl.trim().replace(/\/+$/, "").replace(/\/api\/v1$/i, "");
}

/** Validates an `okta api` connector object from the API; every problem named by field (`connector.…`). */
export function checkOktaConfig(input: unknown): CheckedOktaConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: "connector", code: "type", message: "must be an object with org_url and token" }] };
  }
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key)) errors.push({ field: `connector.${key}`, code: "unknown", message: `is not an okta api setting (expected ${[...FIELDS].join(", ")})` });
  }
  const urlError = checkOrgUrl(raw.org_url);
  if (urlError) errors.push(urlError);
  if (typeof raw.token !== "string" || raw.token.trim() === "") errors.push({ field: "connector.token", code: "required", message: "is required: an Okta API token" });
  if (raw.include_app_groups !== undefined && typeof raw.include_app_groups !== "boolean") {
    errors.push({ field: "connector.include_app_groups", code: "type", message: "must be true or false" });
  }
  const timeout = raw.timeout_ms;
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < TIMEOUT_MS.min || timeout > TIMEOUT_MS.max)) {
    errors.push({ field: "connector.timeout_ms", code: "out_of_range", message: `must be an integer from ${TIMEOUT_MS.min} to ${TIMEOUT_MS.max}` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      org_url: (raw.org_url as string).trim(),
      token: (raw.token as string).trim(),
      ...(raw.include_app_groups === undefined ? {} : { include_app_groups: raw.include_app_groups as boolean }),
      ...(timeout === undefined ? {} : { timeout_ms: timeout as number }),
    },
  };
}
