import type { FieldError } from "../../core/errors.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkGoogleConfig, type GoogleConfig } from "./google-config.js";
import { createGoogleSource } from "./google-source.js";
import { testGoogleConnector } from "./google-test-action.js";

function checked(config: Readonly<Record<string, unknown>>): GoogleConfig {
  const result = checkGoogleConfig(config);
  if (!result.ok)
    throw new SourceError("misconfigured", result.errors.map((e) => `${e.field} ${e.message}`).join("; "));
  return result.value;
}

/** The `google workspace` directory type for the connector registry (a `ConnectorKind`): the key file is the only secret. */
export const googleKind = Object.freeze({
  secretKeys: ["service_account_key"],
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const result = checkGoogleConfig(config);
    return result.ok ? [] : [...result.errors];
  },
  open(config: Readonly<Record<string, unknown>>): ConnectorSource {
    return createGoogleSource(checked(config));
  },
  test(
    config: Readonly<Record<string, unknown>>,
    options: { readonly signal?: AbortSignal },
  ): Promise<readonly ConnectorCheck[]> {
    return testGoogleConnector(checked(config), options.signal ?? AbortSignal.timeout(60_000));
  },
});
