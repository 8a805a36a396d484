import type { FieldError } from "../../core/errors.js";
import { type CheckedConfig, checkHttpUrl, checkInteger } from "../config-fields.js";

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

export type CheckedOktaConfig = CheckedConfig<OktaConfig>;

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
  const urlError = checkHttpUrl(raw.org_url, {
    field: "connector.org_url",
    what: "the Okta org's URL, e.g. https://acme.okta.com",
    credential: "the API token",
    appended: "API paths",
  });
  if (urlError) errors.push(urlError);
  if (typeof raw.token !== "string" || raw.token.trim() === "") errors.push({ field: "connector.token", code: "required", message: "is required: an Okta API token" });
  if (raw.include_app_groups !== undefined && typeof raw.include_app_groups !== "boolean") {
    errors.push({ field: "connector.include_app_groups", code: "type", message: "must be true or false" });
  }
  const timeout = raw.timeout_ms;
  const timeoutError = checkInteger("connector.timeout_ms", timeout, TIMEOUT_MS);
  if (timeoutError) errors.push(timeoutError);
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
