import type { ConnectorKind } from "../connector-kind.js";
import { SourceError } from "../source.js";
import { ldapKeysOf, parseLdapConfig } from "./ldap-config.js";
import { ldapSourceFromConnector } from "./ldap-source.js";
import { testLdapConnector } from "./ldap-test.js";

/** The `ldap` directory type for the connector registry: the bind password is the only secret. */
export const ldapKind: ConnectorKind = Object.freeze({
  secretKeys: ["password"],
  validate(config: Readonly<Record<string, unknown>>) {
    const parsed = parseLdapConfig(config);
    return parsed.ok ? [] : [...parsed.errors];
  },
  open(config: Readonly<Record<string, unknown>>) {
    return ldapSourceFromConnector(config);
  },
  test(config: Readonly<Record<string, unknown>>, options: { readonly signal?: AbortSignal }) {
    const parsed = parseLdapConfig(ldapKeysOf(config));
    if (!parsed.ok) throw new SourceError("misconfigured", parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    return testLdapConnector(parsed.value, options.signal);
  },
});
