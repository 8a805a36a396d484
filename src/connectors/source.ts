import type { GroupInput, UserInput } from "../directory/index.js";

/**
 * The contract between the sync engine and every pull connector (LDAP, upstream SCIM, CSV).
 * A source only reads; the engine compares what it reads with the directory and writes the
 * difference through the directory store, so connector changes carry the same events as SCIM's.
 */

/** A user as the source reports it, normalized; `idpId` is the source's stable key for it. */
export interface SourceUser extends UserInput {
  readonly idpId: string;
}

/** A group as the source reports it, with its members resolved to user `idpId`s (nesting flattened). */
export interface SourceGroup extends GroupInput {
  readonly idpId: string;
  readonly memberIdpIds: readonly string[];
  /**
   * Members the source names by username instead (LDAP posixGroup `memberUid`), lower-cased; the
   * engine resolves them against the directory's users, as it does idpIds. Unknown ones are skipped.
   */
  readonly memberUsernames?: readonly string[];
}

/** One record the source could not turn into a user or group: it fails alone, the run goes on. */
export interface InvalidRecord {
  readonly kind: "invalid";
  /** Where it came from: a line number, a DN, an upstream id. */
  readonly ref: string;
  readonly message: string;
}

export type SourceItem<T> = { readonly kind: "record"; readonly record: T } | InvalidRecord;

/** An object the source says was deleted since the watermark (Graph's `@removed`): removed per the directory's setting. */
export interface SourceRemoval {
  readonly kind: "user" | "group";
  readonly idpId: string;
}

export interface ReadOptions {
  /** Aborted when the run is cancelled or times out; sources pass it to their I/O. */
  readonly signal: AbortSignal;
  /**
   * Delta runs: only entries changed since this watermark (from an earlier `watermark()`).
   * Sources with `supportsDelta: false` never receive it.
   */
  readonly changedSince?: string | undefined;
}

export interface ConnectorSource {
  /** Whether `changedSince` is honoured (LDAP `modifyTimestamp`); delta runs need it. */
  readonly supportsDelta: boolean;
  /** Connects and authenticates, so a wrong password or an unreachable host fails before any read. */
  check(signal: AbortSignal): Promise<void>;
  /** The source's own clock (or position), read before a run reads, for the next delta run. */
  watermark(signal: AbortSignal): Promise<string | null>;
  /** Every user (or, with `changedSince`, every changed one), streamed: never the whole source in memory. */
  users(options: ReadOptions): AsyncIterable<SourceItem<SourceUser>>;
  /** Every group with its full member list; delta runs may still yield all groups. */
  groups(options: ReadOptions): AsyncIterable<SourceItem<SourceGroup>>;
  /**
   * Delta runs only: what the source reported deleted, read after `users` and `groups` of the same
   * run (a source may learn of deletions while reading its changes). Sources without it leave
   * deletions to the next full run, which removes whatever it no longer reads.
   */
  removals?(options: ReadOptions): AsyncIterable<SourceRemoval>;
  /** One user by username (case-insensitive), or null when the source has none. */
  findUser(username: string, signal: AbortSignal): Promise<SourceUser | null>;
  close(): Promise<void>;
}

/** Why a source failed as a whole; `invalid_credentials` also marks the directory's state. */
export type SourceFailureReason = "unreachable" | "invalid_credentials" | "timeout" | "bad_response" | "misconfigured";

/** A failure of the whole source (not of one record): the run fails with this reason and message. */
export class SourceError extends Error {
  /** The HTTP status the provider answered with, when the failure was an answer (a connector test tells 401 from 403 by it). */
  readonly status: number | undefined;
  constructor(
    readonly reason: SourceFailureReason,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(message, options);
    this.name = "SourceError";
    this.status = options?.status;
  }
}
