import type { Entry, Filter } from "ldapts";
import type { LdapSession } from "./ldap-session.js";
import { binaryAttributes } from "./user-entry.js";

export interface SearchSpec {
  readonly base: string;
  readonly scope?: "base" | "one" | "sub";
  readonly filter: Filter;
  readonly attributes: readonly string[];
  readonly pageSize: number;
  /** For error messages: "reading users". */
  readonly during: string;
}

/**
 * A paged search (RFC 2696) as a stream of pages: the next page is asked for only when the
 * consumer wants it, so memory holds one page whatever the directory's size.
 */
export async function* searchPages(session: LdapSession, signal: AbortSignal, spec: SearchSpec): AsyncGenerator<Entry[]> {
  const { client, release } = await session.acquire(signal);
  const attributes = [...spec.attributes];
  const pages = client.searchPaginated(spec.base, {
    scope: spec.scope ?? "sub",
    filter: spec.filter,
    attributes,
    explicitBufferAttributes: binaryAttributes(attributes),
    paged: { pageSize: spec.pageSize },
  });
  try {
    while (true) {
      let step: IteratorResult<{ searchEntries: Entry[] }>;
      try {
        signal.throwIfAborted();
        step = await pages.next();
      } catch (error) {
        session.fail(error, signal, spec.during);
      }
      if (step.done) return;
      yield step.value.searchEntries; // referrals (AD's DomainDnsZones…) are not followed
    }
  } finally {
    release();
    await pages.return(undefined).catch(() => {});
  }
}
