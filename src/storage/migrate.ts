import { Migrator, type MigrationResultSet } from "kysely";
import type { Storage } from "./connect.js";
import { migrationsFor } from "./migrations/index.js";

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

/** Brings the schema to the newest version; safe to run from several processes at once. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const migrations = migrationsFor(storage.caps);
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    throw new MigrationError(`migration failed: ${(result.error as Error).message ?? String(result.error)}`, {
      cause: result.error,
    });
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
