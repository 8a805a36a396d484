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
export async function issueScimToken(
  trx: Db,
  deps: { ids: IdGenerator; clock: Clock },
  directoryId: string,
): Promise<MintedToken> {
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
export async function retireScimTokens(
  trx: Db,
  clock: Clock,
  directoryId: string,
  graceSeconds: number,
): Promise<string[]> {
  const now = clock.now();
  const current = await trx
    .selectFrom("directory_tokens")
    .select(["id", "last4"])
    .where("directory_id", "=", directoryId)
    .where("expires_at", "is", null)
    .execute();
  if (graceSeconds <= 0) {
    await trx.deleteFrom("directory_tokens").where("directory_id", "=", directoryId).execute();
  } else {
    const expiresAt = new Date(now.getTime() + graceSeconds * 1000).toISOString();
    await trx
      .updateTable("directory_tokens")
      .set({ expires_at: expiresAt })
      .where("directory_id", "=", directoryId)
      .where("expires_at", "is", null)
      .execute();
    // Tokens from earlier rotations whose grace has run out are gone for good.
    await trx
      .deleteFrom("directory_tokens")
      .where("directory_id", "=", directoryId)
      .where("expires_at", "<=", now.toISOString())
      .execute();
  }
  return current.map((t) => t.last4);
}

export interface ScimTokenOwner {
  readonly organizationId: string;
  readonly deactivatedMembers: string;
  /** The directory's state when looked up: `unlinked` until its first authenticated request. */
  readonly state: string;
}

/** What the store knows of a token, found by its hash; null when no token has that hash. */
export interface ScimTokenRecord {
  readonly tokenHash: string;
  readonly directoryId: string;
  readonly expiresAt: string | null;
  readonly directoryDeleted: boolean;
  readonly owner: ScimTokenOwner;
}

/** One indexed join on the token's hash. */
export async function lookupScimToken(db: Db, hash: string): Promise<ScimTokenRecord | null> {
  const row = await db
    .selectFrom("directory_tokens as t")
    .innerJoin("directories as d", "d.id", "t.directory_id")
    .select([
      "t.token_hash",
      "t.expires_at",
      "t.directory_id",
      "d.organization_id",
      "d.deleted_at",
      "d.deactivated_members",
      "d.state",
    ])
    .where("t.token_hash", "=", hash)
    .executeTakeFirst();
  if (!row) return null;
  return {
    tokenHash: row.token_hash,
    directoryId: row.directory_id,
    expiresAt: row.expires_at,
    directoryDeleted: row.deleted_at !== null,
    owner: { organizationId: row.organization_id, deactivatedMembers: row.deactivated_members, state: row.state },
  };
}

/**
 * Whether `record` (found for `hash`) lets its bearer into `directoryId` at `now`: the stored hash
 * matches in constant time, the token is that directory's, unexpired, and the directory is live.
 */
export function tokenOpens(record: ScimTokenRecord, hash: string, directoryId: string, now: Date): boolean {
  if (!hashesEqual(record.tokenHash, hash) || record.directoryId !== directoryId || record.directoryDeleted)
    return false;
  return record.expiresAt === null || record.expiresAt > now.toISOString();
}

/**
 * Whether `presented` is an unexpired token of `directoryId` and that directory is soft-deleted:
 * the token would open it were it live. Its bearer may be told the directory is deleted.
 */
export async function isDeletedDirectoryToken(
  db: Db,
  clock: Clock,
  directoryId: string,
  presented: string,
): Promise<boolean> {
  const hash = hashSecret(presented);
  const record = await lookupScimToken(db, hash);
  if (!record?.directoryDeleted) return false;
  return tokenOpens({ ...record, directoryDeleted: false }, hash, directoryId, clock.now());
}

/**
 * The directory `presented` opens, when it is a live token of exactly `directoryId` and the
 * directory is not deleted; null otherwise.
 */
export async function findScimTokenOwner(
  db: Db,
  clock: Clock,
  directoryId: string,
  presented: string,
): Promise<ScimTokenOwner | null> {
  const hash = hashSecret(presented);
  const record = await lookupScimToken(db, hash);
  return record && tokenOpens(record, hash, directoryId, clock.now()) ? record.owner : null;
}
