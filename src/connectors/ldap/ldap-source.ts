import { AndFilter, EqualityFilter, type Filter, FilterParser, GreaterThanEqualsFilter, OrFilter } from "ldapts";
import { type ConnectorSource, type ReadOptions, SourceError, type SourceItem, type SourceUser } from "../source.js";
import { parseGeneralizedTime } from "./generalized-time.js";
import { readGroups } from "./group-reader.js";
import { type LdapConfig, ldapKeysOf, parseLdapConfig } from "./ldap-config.js";
import { createLdapSession } from "./ldap-session.js";
import { readServerClock, watermarkFrom } from "./ldap-watermark.js";
import { searchPages } from "./paged-search.js";
import { toSourceUser, userAttributes } from "./user-entry.js";

export interface LdapSourceOptions {
  /** Only for the watermark's last resort (no server clock readable); injected by tests. */
  readonly now?: () => Date;
}

function userFilter(config: LdapConfig, changedSince: string | undefined): Filter {
  const base = FilterParser.parseString(config.userFilter);
  if (changedSince === undefined) return base;
  if (parseGeneralizedTime(changedSince) === null)
    throw new SourceError("misconfigured", `changedSince "${changedSince}" is not an LDAP GeneralizedTime`);
  return new AndFilter({
    filters: [base, new GreaterThanEqualsFilter({ attribute: "modifyTimestamp", value: changedSince })],
  });
}

/**
 * The LDAP pull connector: users and groups under `base_dn` by paged search, users
 * streamed page by page, group members resolved to user DNs (normalized DNs are the idpIds).
 * One bound connection, opened on first use; `close()` unbinds it.
 */
export function createLdapSource(config: LdapConfig, options: LdapSourceOptions = {}): ConnectorSource {
  const session = createLdapSession(config);
  const now = options.now ?? (() => new Date());
  const attributes = userAttributes(config.attributes);

  async function* users({ signal, changedSince }: ReadOptions): AsyncGenerator<SourceItem<SourceUser>> {
    const spec = {
      base: config.baseDn,
      filter: userFilter(config, changedSince),
      attributes,
      pageSize: config.pageSize,
      during: "reading users",
    };
    for await (const page of searchPages(session, signal, spec)) {
      for (const entry of page) yield toSourceUser(entry, config.attributes);
    }
  }

  async function findUser(username: string, signal: AbortSignal): Promise<SourceUser | null> {
    const wanted = username.trim().toLowerCase();
    if (wanted === "") return null;
    // EqualityFilter carries the value as BER octets: nothing in it is filter syntax.
    const terms = config.attributes.username.map(
      (attribute) => new EqualityFilter({ attribute, value: username.trim() }),
    );
    const filter = new AndFilter({
      filters: [FilterParser.parseString(config.userFilter), new OrFilter({ filters: terms })],
    });
    for await (const page of searchPages(session, signal, {
      base: config.baseDn,
      filter,
      attributes,
      pageSize: config.pageSize,
      during: "finding a user",
    })) {
      for (const entry of page) {
        const item = toSourceUser(entry, config.attributes);
        if (item.kind === "invalid") continue;
        // the OR may match another attribute of another user (cn=bob for uid=robert)
        if (item.record.username.toLowerCase() === wanted) return item.record;
      }
    }
    return null;
  }

  return Object.freeze({
    supportsDelta: true,
    async check(signal: AbortSignal) {
      await session.run(signal, "reading base_dn", async (client) => {
        await client.search(config.baseDn, { scope: "base", filter: "(objectClass=*)", attributes: ["1.1"] });
      });
    },
    async watermark(signal: AbortSignal) {
      const clock = await session.run(signal, "reading the server clock", (client) => readServerClock(client, now));
      return watermarkFrom(clock);
    },
    users,
    groups: ({ signal, changedSince }: ReadOptions) => readGroups(session, config, signal, changedSince),
    findUser,
    close: () => session.close(),
  });
}

/**
 * Builds the source from a stored (decrypted) `connector` object; keys that are not LDAP's (the
 * engine's schedule and removal settings) are ignored. A bad config is a `misconfigured` SourceError.
 */
export function ldapSourceFromConnector(
  connector: Readonly<Record<string, unknown>>,
  options: LdapSourceOptions = {},
): ConnectorSource {
  const parsed = parseLdapConfig(ldapKeysOf(connector));
  if (!parsed.ok)
    throw new SourceError("misconfigured", parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; "));
  return createLdapSource(parsed.value, options);
}
