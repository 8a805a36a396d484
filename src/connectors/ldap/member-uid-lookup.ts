import { AndFilter, EqualityFilter, FilterParser, OrFilter } from "ldapts";
import { EntryValues } from "./entry-values.js";
import type { LdapConfig } from "./ldap-config.js";
import type { LdapSession } from "./ldap-session.js";
import { searchPages } from "./paged-search.js";
import { usernameOf } from "./user-entry.js";
import { normalizeDn } from "./dn-normalize.js";

/** memberUids per query: a few hundred equality terms is an ordinary indexed OR for any server. */
export const MEMBER_UID_BATCH = 200;
/** Past this many distinct memberUids, one paged pass over the users is cheaper than the batches. */
export const MEMBER_UID_SCAN_FROM = 5_000;

/**
 * posixGroup members are usernames (RFC 2307 memberUid); this finds their users' DNs, one OR
 * query per batch of usernames, or one pass over all users when there are many (the 66k
 * memberUids of the benchmark cost slapd 5 s of CPU as batches, 1 s as a pass). Returns lower-cased username → user idpId; usernames without a
 * user under the user filter are absent.
 */
export async function resolveMemberUids(
  session: LdapSession,
  config: LdapConfig,
  usernames: ReadonlySet<string>,
  signal: AbortSignal,
  scanFrom = MEMBER_UID_SCAN_FROM,
): Promise<Map<string, string>> {
  if (usernames.size >= scanFrom) return scanUsernames(session, config, usernames, signal);
  const found = new Map<string, string>();
  const all = [...usernames];
  for (let i = 0; i < all.length; i += MEMBER_UID_BATCH) {
    const batch = all.slice(i, i + MEMBER_UID_BATCH);
    const terms = batch.flatMap((username) => config.attributes.username.map((attribute) => new EqualityFilter({ attribute, value: username })));
    const filter = new AndFilter({ filters: [FilterParser.parseString(config.userFilter), new OrFilter({ filters: terms })] });
    const pages = searchPages(session, signal, { base: config.baseDn, filter, attributes: config.attributes.username, pageSize: config.pageSize, during: "resolving posixGroup memberUid values" });
    for await (const page of pages) {
      for (const entry of page) {
        const username = usernameOf(new EntryValues(entry), config.attributes)?.toLowerCase();
        // an OR over several attributes can match a different user (cn=bob for uid=robert): keep exact username hits
        if (username !== undefined && usernames.has(username)) found.set(username, normalizeDn(entry.dn));
      }
    }
  }
  return found;
}

/** One paged read of every user's username attributes, keeping the wanted ones. */
async function scanUsernames(session: LdapSession, config: LdapConfig, usernames: ReadonlySet<string>, signal: AbortSignal): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const filter = FilterParser.parseString(config.userFilter);
  const pages = searchPages(session, signal, { base: config.baseDn, filter, attributes: config.attributes.username, pageSize: config.pageSize, during: "resolving posixGroup memberUid values" });
  for await (const page of pages) {
    for (const entry of page) {
      const username = usernameOf(new EntryValues(entry), config.attributes)?.toLowerCase();
      if (username !== undefined && usernames.has(username)) found.set(username, normalizeDn(entry.dn));
    }
  }
  return found;
}
