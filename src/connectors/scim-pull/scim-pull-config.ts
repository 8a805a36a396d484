import type { FieldError } from "../../core/errors.js";
import { type CheckedConfig, checkHttpUrl, checkInteger } from "../config-fields.js";

/** The `connector` object of a `scim pull` directory. */
export interface ScimPullConfig {
  /** The upstream's SCIM base, e.g. `https://idp.example.com/scim/v2`; `/Users` is appended. */
  readonly base_url: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** Resources asked for per list request (`count`); the upstream may answer with fewer. */
  readonly page_size?: number | undefined;
  /** Per request, including reading the body. */
  readonly timeout_ms?: number | undefined;
}

export const SCIM_PULL_DEFAULTS = Object.freeze({ page_size: 100, timeout_ms: 30_000 });

const PAGE_SIZE = { min: 1, max: 1000 };
const TIMEOUT_MS = { min: 100, max: 600_000 };
const FIELDS = new Set(["base_url", "token", "page_size", "timeout_ms"]);

/** Validates a `scim pull` connector object from the API; every problem named by field (`connector.…`). */
export function checkScimPullConfig(input: unknown): CheckedConfig<ScimPullConfig> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: "connector", code: "type", message: "must be an object with base_url and token" }],
    };
  }
  const raw = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key))
      errors.push({
        field: `connector.${key}`,
        code: "unknown",
        message: `is not a scim pull setting (expected ${[...FIELDS].join(", ")})`,
      });
  }
  const baseUrlError = checkHttpUrl(raw.base_url, {
    field: "connector.base_url",
    what: "the upstream SCIM base URL",
    credential: "the bearer token",
    appended: "resource paths and list parameters",
  });
  if (baseUrlError) errors.push(baseUrlError);
  if (typeof raw.token !== "string" || raw.token.trim() === "")
    errors.push({ field: "connector.token", code: "required", message: "is required: the upstream's bearer token" });
  for (const error of [
    checkInteger("connector.page_size", raw.page_size, PAGE_SIZE),
    checkInteger("connector.timeout_ms", raw.timeout_ms, TIMEOUT_MS),
  ]) {
    if (error) errors.push(error);
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      base_url: (raw.base_url as string).trim(),
      token: (raw.token as string).trim(),
      ...(raw.page_size === undefined ? {} : { page_size: raw.page_size as number }),
      ...(raw.timeout_ms === undefined ? {} : { timeout_ms: raw.timeout_ms as number }),
    },
  };
}
