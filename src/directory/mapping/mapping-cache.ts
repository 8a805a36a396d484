import type { Db } from "../types.js";
import { type CompiledMapping, compileMapping, readMapping, readSettings } from "./directory-mapping.js";

/** A directory's mapping with the settings text it was compiled from. */
export interface KnownMapping {
  readonly settings: string;
  readonly mapping: CompiledMapping;
}

/**
 * The directories' mappings as this process last read them. Nothing here is trusted as current:
 * a writer that uses one must check, in its own statement and under a lock, that the directory's
 * settings are still `settings` (see storage/postgres/postgres-user-create-statement.ts), and `forget` it when they are not.
 */
export interface MappingCache {
  /** The known mapping, or the stored one read now; undefined when there is no such directory. */
  get(db: Db, directoryId: string): Promise<KnownMapping | undefined>;
  forget(directoryId: string): void;
}

export function createMappingCache(maxEntries = 1000): MappingCache {
  const known = new Map<string, KnownMapping>();
  return {
    async get(db, directoryId) {
      const cached = known.get(directoryId);
      if (cached) return cached;
      const settings = await readSettings(db, directoryId);
      if (settings === undefined) return undefined;
      const entry = { settings, mapping: compileMapping(readMapping(settings)) };
      if (known.size >= maxEntries) known.delete(known.keys().next().value as string);
      known.set(directoryId, entry);
      return entry;
    },
    forget(directoryId) {
      known.delete(directoryId);
    },
  };
}
