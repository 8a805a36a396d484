import { randomBytes } from "node:crypto";
import { encodeTime, monotonicFactory } from "ulid";

/** The object kinds Roster mints ids for, with the prefix each id carries. */
export const ID_PREFIXES = {
  organization: "org",
  apiKey: "key",
  directory: "directory",
  directoryToken: "dtok",
  user: "directory_user",
  group: "directory_group",
  event: "event",
  webhookEndpoint: "we",
  delivery: "whdel",
  deliveryAttempt: "whatt",
  syncRun: "sync",
  scimRequest: "scimreq",
  portalLink: "portal_link",
  webSession: "wsess",
  auditEntry: "audit",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdGenerator = (kind: IdKind) => string;

const ULID = "[0-9A-HJKMNP-TV-Z]{26}";

const POOL_BYTES = 4096;

/**
 * Crypto-random numbers in [0, 1) served from a pooled buffer: ulid's default asks the OS for
 * randomness once per character, which cost 6 % of the server's CPU under SCIM load.
 */
function pooledRandom(): () => number {
  let pool = randomBytes(POOL_BYTES);
  let offset = 0;
  return () => {
    if (offset >= POOL_BYTES) {
      pool = randomBytes(POOL_BYTES);
      offset = 0;
    }
    return (pool[offset++] ?? 0) / 256;
  };
}

/** Prefixed, time-sortable ids (`directory_01J…`): sortable text keeps cursors and indexes simple. */
export function createIdGenerator(now: () => number = Date.now): IdGenerator {
  const ulid = monotonicFactory(pooledRandom());
  return (kind) => `${ID_PREFIXES[kind]}_${ulid(now())}`;
}

/**
 * A bound below which lie exactly the ids of `kind` minted before `ms`: the ULID's first ten
 * characters are its time, so `id < bound` selects by age through the primary key's index.
 */
export function idsMintedBefore(kind: IdKind, ms: number): string {
  return `${ID_PREFIXES[kind]}_${encodeTime(ms, 10)}`;
}

/** True when `value` has the shape of an id of `kind` (not whether it exists). */
export function isIdOf(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_${ULID}$`).test(value);
}

/** The JSON-schema pattern for ids of `kind`, for route schemas. */
export function idPattern(kind: IdKind): string {
  return `^${ID_PREFIXES[kind]}_${ULID}$`;
}
