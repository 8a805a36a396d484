import type { ConnectorKind } from "../connector-kind.js";
import { SourceError } from "../source.js";
import { checkScimPullConfig } from "./scim-pull-config.js";
import { createScimPullSource } from "./scim-pull-source.js";

/** The `scim pull` directory type for the connector registry: the token is the only secret. */
export const scimPullKind: ConnectorKind = Object.freeze({
  secretKeys: ["token"],
  validate(config: Readonly<Record<string, unknown>>) {
    const checked = checkScimPullConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>) {
    const checked = checkScimPullConfig(config);
    if (!checked.ok) throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return createScimPullSource(checked.value);
  },
});
