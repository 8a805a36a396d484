import type { FieldError } from "../../core/errors.js";
import type { ConnectorCheck, ConnectorKind } from "../connector-kind.js";
import { type ConnectorSource, SourceError } from "../source.js";
import { checkEntraConfig, type EntraConfig } from "./entra-config.js";
import { createEntraSource } from "./entra-source.js";
import { testEntraConnection } from "./entra-test.js";

function settings(config: Readonly<Record<string, unknown>>): EntraConfig {
  const checked = checkEntraConfig(config);
  if (!checked.ok)
    throw new SourceError("misconfigured", checked.errors.map((e) => `${e.field} ${e.message}`).join("; "));
  return checked.value;
}

/** The `entra id` directory type for the connector registry: the client secret and the certificate's private key are secrets. */
export const entraKind: ConnectorKind = Object.freeze({
  secretKeys: ["client_secret", "private_key"],
  // Delta links hold Graph's host and the tenant: another Graph or tenant cannot follow them. Links kept
  // from before a group_filter (filtered runs keep none) would skip the users the filtered runs removed.
  positionKeys: ["graph_url", "tenant_id", "group_filter"],
  validate(config: Readonly<Record<string, unknown>>): FieldError[] {
    const checked = checkEntraConfig(config);
    return checked.ok ? [] : [...checked.errors];
  },
  open(config: Readonly<Record<string, unknown>>): ConnectorSource {
    return createEntraSource(settings(config));
  },
  test(
    config: Readonly<Record<string, unknown>>,
    options: { readonly signal?: AbortSignal },
  ): Promise<readonly ConnectorCheck[]> {
    return testEntraConnection(settings(config), options.signal ?? AbortSignal.timeout(60_000));
  },
});
