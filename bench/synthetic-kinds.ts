import type { ConnectorKinds } from "../src/connectors/connector-kind.js";
import { defaultConnectorKinds } from "../src/connectors/registry.js";
import { syntheticConnector } from "./synthetic-connector.js";

/** The bench server's connector kinds: the generated source stands in for CSV. A sync thread loads them from here. */
export function connectorKinds(): ConnectorKinds {
  return { ...defaultConnectorKinds(), csv: syntheticConnector() };
}
