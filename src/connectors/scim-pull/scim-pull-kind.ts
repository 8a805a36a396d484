import type { FieldError } from "../../core/errors.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkScimPullConfig } from "./scim-pull-config.js";
import { createScimPullSource } from "./scim-pull-source.js";
import { testScimPullConnector } from "./scim-pull-test.js";

/** The `scim pull` directory type for the connector registry (a `ConnectorKind`): the token is the only secret. */
export const scimPullKind = Object.freeze({
  secretKeys: ["token"],
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const checked = checkScimPullConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>): ConnectorSource {
    const checked = checkScimPullConfig(config);
    if (!checked.ok)
      throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return createScimPullSource(checked.value);
  },
  test(
    config: Readonly<Record<string, unknown>>,
    options: { readonly signal?: AbortSignal },
  ): Promise<readonly ConnectorCheck[]> {
    const checked = checkScimPullConfig(config);
    if (!checked.ok)
      throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return testScimPullConnector(checked.value, options.signal);
  },
});
