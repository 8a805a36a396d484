import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../core/clock.js";
import type { IdGenerator } from "../core/ids.js";
import type { Database } from "../storage/schema.js";
import { hashSecret, hashesEqual, lastFour, mintSecret } from "./secrets.js";

type Db = Kysely<Database> | Transaction<Database>;

export interface MintedToken {
  readonly token: string;
  readonly last4: string;
}

/** Issues a new SCIM token for a directory inside the caller's transaction. */
export async function issueScimToken(trx: Db, deps: { ids: IdGenerator; clock: Clock }, directoryId: string): Promise<MintedToken> {
  const token = mintSecret("scimToken");
  await trx
    .insertInto("directory_tokens")
    .values({
      id: deps.ids("directoryToken"),
      directory_id: directoryId,
      token_hash: hashSecret(token),
      last4: lastFour(token),
      created_at: deps.clock.now().toISOString(),
      expires_at: null,
    })
    .execute();
  return { token, last4: lastFour(token) };
}

/**
 * Ends the current tokens of a directory: at once (grace 0) or after `graceSeconds`.
 * Returns the last 4 characters of each token it ended, for the revocation event.
 */
export async function retireScimTokens(trx: Db, clock: Clock, directoryId: string, graceSeconds: number): Promise<string[]> {
  const now = clock.now();
  const current = await trx.selectFrom("directory_tokens").select(["id", "last4"]).where("directory_id", "=", directoryId).where("expires_at", "is", null).execute();
  if (graceSeconds <= 0) {
    await trx.deleteFrom("directory_tokens").where("directory_id", "=", directoryId).execute();
  } else {
    const expiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    await trx.updateTable("directory_tokens").set({ expires_at: expiresAt }).where("directory_id", "=", directoryId).where("expires_at", "is", null).execute();
    // Tokens from earlier rotations whose grace has run out are gone for good.
    await trx.deleteFrom("directory_tokens").where("directory_id", "=", directoryId).where("expires_at", "<=", now.toISOString()).execute();
  }
  return current.map((t) => t.last4);
}

export interface ScimTokenOwner {
  readonly organizationId: string;
  readonly deactivatedMembers: string;
}

/**
 * The directory `presented` opens, when it is a live token of exactly `directoryId` and the
 * directory is not deleted; null otherwise. One indexed join on the token's hash.
 */
export async function findScimTokenOwner(db: Db, clock: Clock, directoryId: string, presented: string): Promise<ScimTokenOwner | null> {
  const hash = hashSecret(presented);
  const row = await db
    .selectFrom("directory_tokens as t")
    .innerJoin("directories as d", "d.id", "t.directory_id")
    .select(["t.token_hash", "t.expires_at", "t.directory_id", "d.organization_id", "d.deleted_at", "d.deactivated_members"])
    .where("t.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row || !hashesEqual(row.token_hash, hash) || row.directory_id !== directoryId || row.deleted_at !== null) return null;
  if (row.expires_at !== null && row.expires_at <= clock.now().toISOString()) return null;
  return { organizationId: row.organization_id, deactivatedMembers: row.deactivated_members };
}
