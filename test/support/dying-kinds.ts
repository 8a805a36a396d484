// Loaded inside a sync run's thread (`SyncThreadOptions.kindsModule`): a source whose reading ends
// the thread, as a crash or an out-of-memory kill would, before the run can record its end.
import type { ConnectorKind, ConnectorKinds } from "../../src/connectors/connector-kind.js";

const dying: ConnectorKind = {
  secretKeys: [],
  validate: () => [],
  open: () => ({
    supportsDelta: false,
    check: async () => {},
    watermark: async () => null,
    // biome-ignore lint/correctness/useYield: it ends the thread before it could yield
    async *users() {
      // In a worker thread this ends the thread only.
      process.exit(3);
    },
    async *groups() {},
    findUser: async () => null,
    close: async () => {},
  }),
};

export function connectorKinds(): ConnectorKinds {
  return Object.freeze({ ldap: dying });
}
