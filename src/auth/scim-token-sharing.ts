import type { Kysely } from "kysely";
import type { DatabaseConfig } from "../config.js";
import type { StorageCapabilities } from "../storage/capabilities.js";
import type { Database } from "../storage/schema.js";
import type { ScimTokenCache } from "./scim-token-cache.js";

export interface ScimTokenSharingDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
  readonly database: DatabaseConfig;
  /** Told when a notification could not be sent: the other processes then see the change within the cache's lifetime. */
  readonly onError: (err: unknown) => void;
}

export interface SharedScimTokenCache {
  readonly cache: ScimTokenCache;
  close(): Promise<void>;
}

/**
 * Makes what one process forgets forgotten by all: `forget` also notifies the others through the
 * database (the directory id as payload), and a `LISTEN`ing connection forgets what they notify,
 * so a rotated or revoked token, or a deleted directory's, stops working on every `roster serve`
 * within milliseconds instead of the cache's lifetime. While that connection is down (and once it
 * is back, for what it missed) everything is forgotten; a lost notification is still bounded by
 * the cache's lifetime. Where one process serves the database, the cache is returned as it is.
 */
export function shareScimTokenChanges(cache: ScimTokenCache, deps: ScimTokenSharingDeps): SharedScimTokenCache {
  const notices = deps.caps.notices;
  if (notices === null) return { cache, close: async () => undefined };
  const listener = notices.listen(deps.database, "scim_tokens", (directoryId) =>
    directoryId ? cache.forget(directoryId) : cache.forgetAll(),
  );
  return {
    cache: {
      verify: (directoryId, presented) => cache.verify(directoryId, presented),
      forget(directoryId) {
        cache.forget(directoryId);
        notices.notify(deps.db, "scim_tokens", directoryId).catch(deps.onError);
      },
      forgetAll: () => cache.forgetAll(),
    },
    close: () => listener.close(),
  };
}
