import type { FieldError } from "../../core/errors.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkScimPullConfig } from "./scim-pull-config.js";
import { createScimPullSource } from "./scim-pull-source.js";

/** The `scim pull` directory type for the connector registry (a `ConnectorKind`): the token is the only secret. */
export const scimPullKind = Object.freeze({
  secretKeys: ["token"],
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const checked = checkScimPullConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>): ConnectorSource {
    const checked = checkScimPullConfig(config);
    if (!checked.ok) throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return createScimPullSource(checked.value);
  },
});
