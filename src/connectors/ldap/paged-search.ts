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
 * A paged search (RFC 2696) as a stream of pages, at most one page ahead of the consumer: memory
 * holds two pages whatever the directory's size, and slapd works on the next page meanwhile.
 */
export async function* searchPages(
  session: LdapSession,
  signal: AbortSignal,
  spec: SearchSpec,
): AsyncGenerator<Entry[]> {
  const { client, release } = await session.acquire(signal);
  const attributes = [...spec.attributes];
  const pages = client.searchPaginated(spec.base, {
    scope: spec.scope ?? "sub",
    filter: spec.filter,
    attributes,
    explicitBufferAttributes: binaryAttributes(attributes),
    paged: { pageSize: spec.pageSize },
  });
  const next = () => {
    signal.throwIfAborted();
    return pages.next();
  };
  try {
    // One page ahead: the server prepares page n+1 while the consumer works through page n.
    let pending = next();
    while (true) {
      let step: IteratorResult<{ searchEntries: Entry[] }>;
      try {
        step = await pending;
      } catch (error) {
        session.fail(error, signal, spec.during);
      }
      if (step.done) return;
      pending = next();
      pending.catch(() => {}); // observed on the next turn; a consumer that stops early never awaits it
      yield step.value.searchEntries; // referrals (AD's DomainDnsZones…) are not followed
    }
  } finally {
    release();
    await pages.return(undefined).catch(() => {});
  }
}
