import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { Database } from "../storage/schema.js";
import { lookupScimToken, type ScimTokenOwner, type ScimTokenRecord, tokenOpens } from "./scim-tokens.js";
import { hashSecret } from "./secrets.js";

/**
 * Verifies SCIM tokens, remembering for a short while what the store said about each token it
 * found. Every request still hashes the token it presents and checks it against the remembered
 * hash in constant time, its directory, its expiry and the directory's deletion.
 *
 * How long a change takes to be seen:
 * - made through this process (`forget` after the commit): from the next request on;
 * - made by another process sharing the database: at most `ttlMs`, and on PostgreSQL within
 *   milliseconds (`shareScimTokenChanges`).
 */
export interface ScimTokenCache {
  /** The owner of `directoryId` when `presented` is one of its live tokens; null otherwise. */
  verify(directoryId: string, presented: string): Promise<ScimTokenOwner | null>;
  /** Forgets a directory's tokens: call after committing a rotation, a deletion or a settings change. */
  forget(directoryId: string): void;
  /** Forgets every token (changes may have been missed). */
  forgetAll(): void;
}

export interface ScimTokenCacheOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  /** How long a token found in the store is trusted without asking again; 0 asks every time. */
  readonly ttlMs: number;
  readonly maxEntries?: number;
}

interface Entry {
  readonly record: ScimTokenRecord;
  readonly until: number;
}

export function createScimTokenCache(options: ScimTokenCacheOptions): ScimTokenCache {
  const { db, clock, ttlMs, maxEntries = 10_000 } = options;
  // Keyed by the token's SHA-256, as the store's index is: the map never holds a token.
  const entries = new Map<string, Entry>();
  // Bumped by every `forget`: a lookup that began before one must not store what it read.
  let generation = 0;

  function remember(hash: string, record: ScimTokenRecord, now: number): void {
    // Only live directories' tokens: a miss for a deleted one stays a store lookup, and a restore needs no forget.
    if (ttlMs <= 0 || record.directoryDeleted) return;
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(hash, { record, until: now + ttlMs });
  }

  return {
    async verify(directoryId, presented) {
      const hash = hashSecret(presented);
      const now = clock.now();
      const cached = entries.get(hash);
      if (cached && cached.until > now.getTime())
        return tokenOpens(cached.record, hash, directoryId, now) ? cached.record.owner : null;
      if (cached) entries.delete(hash);
      const started = generation;
      const record = await lookupScimToken(db, hash);
      if (!record) return null;
      if (generation === started) remember(hash, record, now.getTime());
      return tokenOpens(record, hash, directoryId, clock.now()) ? record.owner : null;
    },

    forget(directoryId) {
      generation++;
      for (const [hash, entry] of entries) if (entry.record.directoryId === directoryId) entries.delete(hash);
    },

    forgetAll() {
      generation++;
      entries.clear();
    },
  };
}
