import type { FieldError } from "../../core/errors.js";
import { type CheckedConfig, checkHttpUrl, checkInteger } from "../config-fields.js";
import { readRsaPrivateKey } from "../private-key.js";

interface OktaCommon {
  /** The org's API base, e.g. `https://acme.okta.com` (a preview org or a stand-in too); `/api/v1/…` is appended. */
  readonly org_url: string;
  /** Also read groups of type APP_GROUP (groups imported from apps such as Active Directory). */
  readonly include_app_groups?: boolean | undefined;
  /** Per request, including reading the body. */
  readonly timeout_ms?: number | undefined;
}

/** Requests carry `Authorization: SSWS <token>`, an API token an admin created. */
export interface OktaApiTokenConfig extends OktaCommon {
  readonly token: string;
  readonly client_id?: undefined;
}

/** Requests carry OAuth 2.0 access tokens of an API service app, obtained with a private-key JWT. */
export interface OktaServiceAppConfig extends OktaCommon {
  readonly token?: undefined;
  /** The service app's Client ID. */
  readonly client_id: string;
  /** The app's private key: PEM, or the JWK Okta's console generates (object or JSON text). */
  readonly private_key: string | Readonly<Record<string, unknown>>;
  /** The key's id on the app (`kid`); a JWK's own `kid` when left out. */
  readonly key_id?: string | undefined;
  /** The token endpoint; `{org_url}/oauth2/v1/token` (the org authorization server) when left out. */
  readonly token_url?: string | undefined;
}

/** The `connector` object of an `okta api` directory: an API token, or a service app, never both. */
export type OktaConfig = OktaApiTokenConfig | OktaServiceAppConfig;

export const OKTA_DEFAULTS = Object.freeze({ timeout_ms: 30_000, token_path: "/oauth2/v1/token" });

const TIMEOUT_MS = { min: 100, max: 600_000 };
const FIELDS = new Set([
  "org_url",
  "token",
  "client_id",
  "private_key",
  "key_id",
  "token_url",
  "include_app_groups",
  "timeout_ms",
]);
const SERVICE_APP_ONLY = ["key_id", "token_url"] as const;

export type CheckedOktaConfig = CheckedConfig<OktaConfig>;

/**
 * The base requests are made under: the URL without trailing slashes and without a trailing
 * `/api/v1`, which people often paste along with the org's URL.
 */
export function apiBase(orgUrl: string): string {
  return orgUrl
    .trim()
    .replace(/\/+$/, "")
    .replace(/\/api\/v1$/i, "");
}

/** The service app's token endpoint: the setting, else the org authorization server's. */
export function oktaTokenUrl(config: OktaServiceAppConfig): string {
  return config.token_url ?? `${apiBase(config.org_url)}${OKTA_DEFAULTS.token_path}`;
}

function present(value: unknown): boolean {
  return value !== undefined && !(typeof value === "string" && value.trim() === "");
}

function checkCredentials(raw: Record<string, unknown>, errors: FieldError[]): void {
  const hasToken = present(raw.token);
  const hasApp = present(raw.client_id) || present(raw.private_key);
  if (hasToken && hasApp) {
    errors.push({
      field: "connector.token",
      code: "conflict",
      message: "give either token (an API token) or client_id with private_key (a service app), not both",
    });
    return;
  }
  if (!hasApp) {
    if (typeof raw.token !== "string" || raw.token.trim() === "")
      errors.push({
        field: "connector.token",
        code: "required",
        message: "is required: an Okta API token (or client_id and private_key of an API service app)",
      });
    for (const key of SERVICE_APP_ONLY) {
      if (raw[key] !== undefined)
        errors.push({
          field: `connector.${key}`,
          code: "conflict",
          message: "applies only to a service app (client_id and private_key)",
        });
    }
    return;
  }
  if (typeof raw.client_id !== "string" || raw.client_id.trim() === "")
    errors.push({
      field: "connector.client_id",
      code: "required",
      message: "is required with private_key: the service app's Client ID",
    });
  if (raw.private_key === undefined)
    errors.push({
      field: "connector.private_key",
      code: "required",
      message: "is required with client_id: the service app's private key (PEM or JWK)",
    });
  else {
    const key = readRsaPrivateKey(raw.private_key);
    if (!key.ok) errors.push({ field: "connector.private_key", code: "invalid", message: key.message });
  }
  if (
    raw.key_id !== undefined &&
    (typeof raw.key_id !== "string" || raw.key_id.trim() === "" || raw.key_id.length > 200)
  ) {
    errors.push({ field: "connector.key_id", code: "type", message: "must be the key's id (KID) on the service app" });
  }
  if (raw.token_url !== undefined) {
    const urlError = checkHttpUrl(raw.token_url, {
      field: "connector.token_url",
      what: "the token endpoint",
      credential: "the private key",
      appended: "form parameters",
    });
    if (urlError) errors.push(urlError);
  }
}

/** Validates an `okta api` connector object from the API; every problem named by field (`connector.…`). */
export function checkOktaConfig(input: unknown): CheckedOktaConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        {
          field: "connector",
          code: "type",
          message: "must be an object with org_url and token (or client_id and private_key)",
        },
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
        message: `is not an okta api setting (expected ${[...FIELDS].join(", ")})`,
      });
  }
  const urlError = checkHttpUrl(raw.org_url, {
    field: "connector.org_url",
    what: "the Okta org's URL, e.g. https://acme.okta.com",
    credential: "the API token",
    appended: "API paths",
  });
  if (urlError) errors.push(urlError);
  checkCredentials(raw, errors);
  if (raw.include_app_groups !== undefined && typeof raw.include_app_groups !== "boolean") {
    errors.push({ field: "connector.include_app_groups", code: "type", message: "must be true or false" });
  }
  const timeout = raw.timeout_ms;
  const timeoutError = checkInteger("connector.timeout_ms", timeout, TIMEOUT_MS);
  if (timeoutError) errors.push(timeoutError);
  if (errors.length > 0) return { ok: false, errors };
  const common = {
    org_url: (raw.org_url as string).trim(),
    ...(raw.include_app_groups === undefined ? {} : { include_app_groups: raw.include_app_groups as boolean }),
    ...(timeout === undefined ? {} : { timeout_ms: timeout as number }),
  };
  if (present(raw.token)) return { ok: true, value: { ...common, token: (raw.token as string).trim() } };
  return {
    ok: true,
    value: {
      ...common,
      client_id: (raw.client_id as string).trim(),
      private_key:
        typeof raw.private_key === "string" ? raw.private_key.trim() : (raw.private_key as Record<string, unknown>),
      ...(raw.key_id === undefined ? {} : { key_id: (raw.key_id as string).trim() }),
      ...(raw.token_url === undefined ? {} : { token_url: (raw.token_url as string).trim() }),
    },
  };
}
