import type { ConnectorKind } from "../connector-kind.js";
import { parseLdapConfig } from "./ldap-config.js";
import { ldapSourceFromConnector } from "./ldap-source.js";

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
});
