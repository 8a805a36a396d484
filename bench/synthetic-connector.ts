import type { ConnectorKind } from "../src/connectors/connector-kind.js";
import type { ConnectorSource, SourceGroup, SourceItem, SourceUser } from "../src/connectors/source.js";

/**
 * A generated directory of `users` users in `groups` groups (user i in group i % groups), read
 * with no I/O: measures the sync engine alone, beside the LDAP figures that include slapd.
 * `changed` users (every 100th while `changePercent` is set) get a new title, as a delta would see.
 */
export function syntheticConnector(): ConnectorKind {
  return {
    secretKeys: [],
    validate: () => [],
    open(config): ConnectorSource {
      const users = Number(config.users);
      const groups = Number(config.groups);
      const revision = Number(config.revision ?? 0);
      const changedEvery = Number(config.changed_every ?? 0);
      const isChanged = (i: number) => changedEvery > 0 && i % changedEvery === 0;
      const user = (i: number): SourceUser => ({
        username: `user${i}`,
        idpId: `uid=user${i},ou=people,dc=example,dc=test`,
        active: true,
        emails: [{ value: `user${i}@example.test`, type: "work", primary: true }],
        firstName: `First${i}`,
        lastName: `Last${i}`,
        jobTitle: isChanged(i) ? `Title r${revision}` : "Engineer",
        rawAttributes: { uid: `user${i}`, cn: `First${i} Last${i}`, departmentNumber: String(i % 50) },
      });
      return {
        supportsDelta: true,
        async check() {},
        async watermark() {
          return `r${revision}`;
        },
        async *users({ changedSince }): AsyncIterable<SourceItem<SourceUser>> {
          for (let i = 0; i < users; i++) {
            if (changedSince && !isChanged(i)) continue;
            yield { kind: "record", record: user(i) };
          }
        },
        async *groups(): AsyncIterable<SourceItem<SourceGroup>> {
          for (let g = 0; g < groups; g++) {
            const memberIdpIds: string[] = [];
            for (let i = g; i < users; i += groups) memberIdpIds.push(`uid=user${i},ou=people,dc=example,dc=test`);
            yield {
              kind: "record",
              record: {
                name: `group${g}`,
                idpId: `cn=group${g},ou=groups,dc=example,dc=test`,
                rawAttributes: { cn: `group${g}` },
                memberIdpIds,
              },
            };
          }
        },
        async findUser(username) {
          const i = Number(username.replace(/^user/, ""));
          return Number.isInteger(i) && i < users ? user(i) : null;
        },
        async close() {},
      };
    },
  };
}
