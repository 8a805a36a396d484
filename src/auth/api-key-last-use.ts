import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import type { Database } from "../storage/schema.js";
import type { ApiKeyService } from "./api-keys.js";

/** A key's `last_used_at` moves at most this often: enough to tell a live key from a forgotten one. */
export const LAST_USE_INTERVAL_MS = 60_000;

/** Uses are gathered this long, then written in one statement. */
const FLUSH_DELAY_MS = 1_000;

/** Keys per UPDATE: well under SQLite's bound on parameters. */
const WRITE_CHUNK = 500;

/** Past this many remembered keys, the ones recorded longer than an interval ago are forgotten. */
const REMEMBERED_KEYS = 10_000;

export interface ApiKeyLastUseOptions {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly onError: (err: unknown) => void;
  readonly intervalMs?: number;
  readonly flushDelayMs?: number;
}

export interface ApiKeyLastUse {
  /** Notes that a key authenticated a request; returns at once (the write happens later). */
  record(keyId: string): void;
  /** Writes what is pending and waits for it; later records are dropped. */
  close(): Promise<void>;
}

/**
 * Records when each organization API key was last used, off the request path: uses are gathered
 * for a second and written in one UPDATE, each key at most once a minute. The statement itself
 * skips keys written less than a minute ago, so several processes sharing a database coalesce too.
 */
export function createApiKeyLastUse(options: ApiKeyLastUseOptions): ApiKeyLastUse {
  const intervalMs = options.intervalMs ?? LAST_USE_INTERVAL_MS;
  const flushDelayMs = options.flushDelayMs ?? FLUSH_DELAY_MS;
  const recordedAt = new Map<string, number>();
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  function forgetOld(now: number): void {
    if (recordedAt.size <= REMEMBERED_KEYS) return;
    for (const [keyId, at] of recordedAt) if (now - at >= intervalMs) recordedAt.delete(keyId);
  }

  async function write(keyIds: string[]): Promise<void> {
    const now = options.clock.now();
    const stale = new Date(now.getTime() - intervalMs).toISOString();
    try {
      for (let start = 0; start < keyIds.length; start += WRITE_CHUNK) {
        await options.db
          .updateTable("api_keys")
          .set({ last_used_at: now.toISOString() })
          .where("id", "in", keyIds.slice(start, start + WRITE_CHUNK))
          .where((eb) => eb.or([eb("last_used_at", "is", null), eb("last_used_at", "<=", stale)]))
          .execute();
      }
    } catch (err) {
      // A lost timestamp costs nothing but accuracy; let the next use try again.
      for (const keyId of keyIds) recordedAt.delete(keyId);
      options.onError(err);
    }
  }

  function flush(): Promise<void> {
    timer = null;
    if (pending.size === 0) return writing;
    const keyIds = [...pending];
    pending = new Set();
    writing = writing.then(() => write(keyIds));
    return writing;
  }

  return {
    record(keyId) {
      if (closed) return;
      const now = options.clock.now().getTime();
      const last = recordedAt.get(keyId);
      if (last !== undefined && now - last < intervalMs) return;
      recordedAt.set(keyId, now);
      forgetOld(now);
      pending.add(keyId);
      timer ??= setTimeout(flush, flushDelayMs).unref();
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await flush();
    },
  };
}

/** The key service with each successful verification recorded as a use. */
export function recordingLastUse(apiKeys: ApiKeyService, lastUse: ApiKeyLastUse): ApiKeyService {
  return Object.freeze({
    ...apiKeys,
    async verify(presented: string) {
      const key = await apiKeys.verify(presented);
      if (key) lastUse.record(key.keyId);
      return key;
    },
    async verifyHash(hash: string) {
      const key = await apiKeys.verifyHash(hash);
      if (key) lastUse.record(key.keyId);
      return key;
    },
  });
}
