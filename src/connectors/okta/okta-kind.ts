import type { FieldError } from "../../core/errors.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkOktaConfig } from "./okta-config.js";
import { createOktaSource } from "./okta-source.js";
import { testOktaConnector } from "./okta-test.js";

/** The `okta api` directory type for the connector registry (a `ConnectorKind`): the API token and the service app's private key are secrets. */
export const oktaKind = Object.freeze({
  secretKeys: ["token", "private_key"],
  // The watermark is the old org's clock: another org's changes since then are not all its changes. App
  // groups newly read or no longer read changed no timestamp: only a full run creates or removes them.
  positionKeys: ["org_url", "include_app_groups"],
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const checked = checkOktaConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>): ConnectorSource {
    const checked = checkOktaConfig(config);
    if (!checked.ok)
      throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return createOktaSource(checked.value);
  },
  test(
    config: Readonly<Record<string, unknown>>,
    options: { readonly signal?: AbortSignal },
  ): Promise<readonly ConnectorCheck[]> {
    const checked = checkOktaConfig(config);
    if (!checked.ok)
      throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
    return testOktaConnector(checked.value, options.signal);
  },
});
