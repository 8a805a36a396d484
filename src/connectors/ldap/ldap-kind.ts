import type { ConnectorKind } from "../connector-kind.js";
import { SourceError } from "../source.js";
import { ldapKeysOf, parseLdapConfig } from "./ldap-config.js";
import { ldapSourceFromConnector } from "./ldap-source.js";
import { testLdapConnector } from "./ldap-test.js";

/** The `ldap` directory type for the connector registry: the bind password is the only secret. */
export const ldapKind: ConnectorKind = Object.freeze({
  secretKeys: ["password"],
  // A delta run reads the entries modified since the watermark under base_dn through the filters,
  // with the attribute map: a change to any of them leaves unread what the new settings would read.
  positionKeys: ["url", "base_dn", "user_filter", "group_filter", "attributes"],
  validate(config: Readonly<Record<string, unknown>>) {
    const parsed = parseLdapConfig(config);
    return parsed.ok ? [] : [...parsed.errors];
  },
  open(config: Readonly<Record<string, unknown>>) {
    return ldapSourceFromConnector(config);
  },
  test(config: Readonly<Record<string, unknown>>, options: { readonly signal?: AbortSignal }) {
    const parsed = parseLdapConfig(ldapKeysOf(config));
    if (!parsed.ok)
      throw new SourceError("misconfigured", parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
    return testLdapConnector(parsed.value, options.signal);
  },
});
