import type { ConnectorKinds } from "./connector-kind.js";
import { csvKind } from "./csv/index.js";
import { entraKind } from "./entra/index.js";
import { googleKind } from "./google/index.js";
import { ldapKind } from "./ldap/ldap-kind.js";
import { oktaKind } from "./okta/index.js";
import { scimPullKind } from "./scim-pull/index.js";

/** The pull connectors this build offers, by directory type. */
export function defaultConnectorKinds(): ConnectorKinds {
  return Object.freeze({
    ldap: ldapKind,
    "scim pull": scimPullKind,
    csv: csvKind,
    "okta api": oktaKind,
    "google workspace": googleKind,
    "entra id": entraKind,
  });
}
