import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { hashSecret, hashesEqual, mintSecret } from "./secrets.js";

const SETTING = "admin_key_hash";

export interface AdminKeySetup {
  /** The generated key, present only on the start that created it: print it once. */
  readonly generated: string | null;
}

/**
 * Makes sure an admin key exists. ROSTER_ADMIN_KEY, when set, is the key (its hash replaces any
 * stored one); otherwise the first start generates one and stores only its hash.
 */
export async function ensureAdminKey(db: Kysely<Database>, configured: string | undefined): Promise<AdminKeySetup> {
  if (configured) {
    const hash = hashSecret(configured);
    await db
      .insertInto("settings")
      .values({ key: SETTING, value: hash })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: hash }))
      .execute();
    return { generated: null };
  }
  const existing = await db.selectFrom("settings").select("value").where("key", "=", SETTING).executeTakeFirst();
  if (existing) return { generated: null };
  const key = mintSecret("admin");
  const inserted = await db
    .insertInto("settings")
    .values({ key: SETTING, value: hashSecret(key) })
    .onConflict((oc) => oc.column("key").doNothing())
    .executeTakeFirst();
  // Another process may have won the race; then its key is the one.
  return { generated: Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ? key : null };
}

export async function isAdminKey(db: Kysely<Database>, presented: string): Promise<boolean> {
  return isAdminKeyHash(db, hashSecret(presented));
}

/** Whether `hash` is the SHA-256 of the current admin key (a console session's key, checked on each request). */
export async function isAdminKeyHash(db: Kysely<Database>, hash: string): Promise<boolean> {
  const stored = await db.selectFrom("settings").select("value").where("key", "=", SETTING).executeTakeFirst();
  return stored !== undefined && hashesEqual(stored.value, hash);
}
