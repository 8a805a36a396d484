import type { FieldError } from "../../core/errors.js";
import { type CheckedConfig, checkHttpUrl, checkInteger } from "../config-fields.js";
import { readCertificateCredential } from "./entra-credential.js";

interface EntraCommon {
  /** The tenant's id (a GUID) or one of its domain names (`contoso.onmicrosoft.com`). */
  readonly tenant_id: string;
  /** The app registration's Application (client) ID. */
  readonly client_id: string;
  /** Only the users in these groups (ids or display names), nested members included; only these groups. */
  readonly group_filter?: readonly string[] | undefined;
  /** Microsoft Graph's base, with its version: a sovereign cloud or a stand-in may be named. */
  readonly graph_url?: string | undefined;
  /** The OAuth 2.0 token endpoint; `{tenant_id}` in it is replaced by the tenant. */
  readonly token_url?: string | undefined;
  /** Per request, including reading the body. */
  readonly timeout_ms?: number | undefined;
}

/** The app proves itself with a client secret. */
export interface EntraSecretConfig extends EntraCommon {
  /** A client secret's value (not its id); sealed at rest. */
  readonly client_secret: string;
  readonly certificate?: undefined;
  readonly private_key?: undefined;
}

/** The app proves itself with a certificate: a client assertion signed with its private key. */
export interface EntraCertificateConfig extends EntraCommon {
  readonly client_secret?: undefined;
  /** The certificate uploaded to the app registration, PEM (public: shown by the API). */
  readonly certificate: string;
  /** The certificate's private key, PEM or JWK; sealed at rest. */
  readonly private_key: string | Readonly<Record<string, unknown>>;
}

/** The `connector` object of an `entra id` directory: a client secret or a certificate, never both. */
export type EntraConfig = EntraSecretConfig | EntraCertificateConfig;

export const ENTRA_DEFAULTS = Object.freeze({
  graph_url: "https://graph.microsoft.com/v1.0",
  token_url: "https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token",
  timeout_ms: 30_000,
});

const TIMEOUT_MS = { min: 100, max: 600_000 };
/** Each filter group costs a member list per run; more than this is better served by a full tenant read. */
const MAX_FILTER_GROUPS = 100;
const FIELDS = new Set([
  "tenant_id",
  "client_id",
  "client_secret",
  "certificate",
  "private_key",
  "group_filter",
  "graph_url",
  "token_url",
  "timeout_ms",
]);
/** A GUID or a domain name: letters, digits, dots and hyphens only (it goes into the token endpoint's path). */
const TENANT = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

export type CheckedEntraConfig = CheckedConfig<EntraConfig>;

/** Graph's base without trailing slashes. */
export function graphBase(config: EntraConfig): string {
  return (config.graph_url ?? ENTRA_DEFAULTS.graph_url).trim().replace(/\/+$/, "");
}

/** The token endpoint, the tenant put in. */
export function tokenEndpoint(config: EntraConfig): string {
  return (config.token_url ?? ENTRA_DEFAULTS.token_url)
    .trim()
    .replaceAll("{tenant_id}", encodeURIComponent(config.tenant_id));
}

/** The client-credentials scope: the Graph resource's `/.default` (its origin: sovereign clouds have their own). */
export function graphScope(config: EntraConfig): string {
  return `${new URL(graphBase(config)).origin}/.default`;
}

function requiredText(raw: Record<string, unknown>, key: string, what: string, errors: FieldError[]): void {
  if (typeof raw[key] !== "string" || (raw[key] as string).trim() === "")
    errors.push({ field: `connector.${key}`, code: "required", message: `is required: ${what}` });
}

function present(value: unknown): boolean {
  return value !== undefined && !(typeof value === "string" && value.trim() === "");
}

/** A client secret, or a certificate with its private key; never both. */
function checkCredential(raw: Record<string, unknown>, errors: FieldError[]): void {
  const certificate = present(raw.certificate) || present(raw.private_key);
  if (!certificate) {
    requiredText(raw, "client_secret", "a client secret's value (or certificate and private_key)", errors);
    return;
  }
  if (present(raw.client_secret)) {
    errors.push({
      field: "connector.client_secret",
      code: "conflict",
      message: "give either client_secret or certificate with private_key, not both",
    });
    return;
  }
  if (!present(raw.certificate))
    errors.push({
      field: "connector.certificate",
      code: "required",
      message: "is required with private_key: the certificate uploaded to the app registration (PEM)",
    });
  if (!present(raw.private_key))
    errors.push({
      field: "connector.private_key",
      code: "required",
      message: "is required with certificate: its private key (PEM)",
    });
  if (present(raw.certificate) && present(raw.private_key)) {
    const read = readCertificateCredential(raw.certificate, raw.private_key);
    if (!read.ok) errors.push({ field: `connector.${read.field}`, code: "invalid", message: read.message });
  }
}

function checkGroupFilter(value: unknown): FieldError | null {
  if (value === undefined) return null;
  const field = "connector.group_filter";
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_FILTER_GROUPS) {
    return { field, code: "type", message: `must be a list of 1 to ${MAX_FILTER_GROUPS} group ids or display names` };
  }
  if (value.some((v) => typeof v !== "string" || v.trim() === "" || v.length > 256))
    return {
      field,
      code: "type",
      message: "each entry must be a group id or display name (text, up to 256 characters)",
    };
  return null;
}

/** Validates an `entra id` connector object from the API; every problem named by field (`connector.…`). */
export function checkEntraConfig(input: unknown): CheckedEntraConfig {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [
        {
          field: "connector",
          code: "type",
          message: "must be an object with tenant_id, client_id and client_secret (or certificate and private_key)",
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
        message: `is not an entra id setting (expected ${[...FIELDS].join(", ")})`,
      });
  }
  requiredText(raw, "tenant_id", "the Directory (tenant) ID", errors);
  if (typeof raw.tenant_id === "string" && raw.tenant_id.trim() !== "" && !TENANT.test(raw.tenant_id.trim())) {
    errors.push({
      field: "connector.tenant_id",
      code: "invalid",
      message: "must be the tenant's id (a GUID) or a domain name such as contoso.onmicrosoft.com",
    });
  }
  requiredText(raw, "client_id", "the app registration's Application (client) ID", errors);
  checkCredential(raw, errors);
  const filterError = checkGroupFilter(raw.group_filter);
  if (filterError) errors.push(filterError);
  for (const [key, what, appended] of [
    [
      "graph_url",
      "Microsoft Graph's base URL, e.g. https://graph.microsoft.com/v1.0",
      "resource paths and query options",
    ],
    ["token_url", "the token endpoint", "form parameters"],
  ] as const) {
    if (raw[key] === undefined) continue;
    const urlError = checkHttpUrl(raw[key], {
      field: `connector.${key}`,
      what,
      credential: "the client credential",
      appended,
    });
    if (urlError) errors.push(urlError);
  }
  const timeoutError = checkInteger("connector.timeout_ms", raw.timeout_ms, TIMEOUT_MS);
  if (timeoutError) errors.push(timeoutError);
  if (errors.length > 0) return { ok: false, errors };
  const text = (key: string) => (raw[key] as string).trim();
  const credential = present(raw.client_secret)
    ? { client_secret: text("client_secret") }
    : {
        certificate: text("certificate"),
        private_key:
          typeof raw.private_key === "string" ? raw.private_key.trim() : (raw.private_key as Record<string, unknown>),
      };
  return {
    ok: true,
    value: {
      tenant_id: text("tenant_id"),
      client_id: text("client_id"),
      ...credential,
      ...(raw.group_filter === undefined ? {} : { group_filter: (raw.group_filter as string[]).map((g) => g.trim()) }),
      ...(raw.graph_url === undefined ? {} : { graph_url: text("graph_url") }),
      ...(raw.token_url === undefined ? {} : { token_url: text("token_url") }),
      ...(raw.timeout_ms === undefined ? {} : { timeout_ms: raw.timeout_ms as number }),
    },
  };
}
