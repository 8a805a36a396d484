import { checkOf, failed, notChecked, passed, probe } from "../connector-checks.js";
import type { ConnectorCheck } from "../connector-kind.js";
import type { LdapConfig } from "./ldap-config.js";
import { createLdapSession } from "./ldap-session.js";

const NAMES = {
  reach: { name: "server reachable", passed: "the LDAP server answered" },
  bind: { name: "bind as bind_dn", passed: "the server accepted bind_dn and password" },
  base: { name: "base_dn readable", passed: "bind_dn can read base_dn" },
} as const;

/** The `ldap` test action: connect (StartTLS or ldaps as configured), bind, read the search base; writes nothing. */
export async function testLdapConnector(
  config: LdapConfig,
  signal: AbortSignal | undefined,
): Promise<readonly ConnectorCheck[]> {
  const session = createLdapSession(config);
  const runSignal = signal ?? new AbortController().signal;
  try {
    const bound = await probe(() => session.run(runSignal, "bind", async () => undefined), signal);
    if (!bound.ok) {
      if (bound.error.reason !== "invalid_credentials") {
        return [
          failed(NAMES.reach, bound.error),
          notChecked(NAMES.bind, "the server was not reached"),
          notChecked(NAMES.base, "the server was not reached"),
        ];
      }
      return [passed(NAMES.reach), failed(NAMES.bind, bound.error), notChecked(NAMES.base, "the bind was refused")];
    }
    const base = await probe(
      () =>
        session.run(runSignal, "reading base_dn", (client) =>
          client.search(config.baseDn, { scope: "base", filter: "(objectClass=*)", attributes: ["1.1"] }),
        ),
      signal,
    );
    return [passed(NAMES.reach), passed(NAMES.bind), checkOf(NAMES.base, base)];
  } finally {
    await session.close();
  }
}
