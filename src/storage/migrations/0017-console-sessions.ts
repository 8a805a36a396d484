import type { Kysely } from "kysely";

/**
 * Console sessions remember the key that opened them: the SHA-256 of the admin key or of an
 * organization API key (the hash the key is already stored by), so every request can check that
 * the key still opens Roster and a revoked key ends its sessions at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("web_sessions").addColumn("key_hash", "text").execute();
}
