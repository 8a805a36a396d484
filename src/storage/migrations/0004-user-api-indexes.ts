import type { Kysely } from "kysely";

/**
 * Indexes for the filters of `GET /directory_users` that 0001 does not cover. Each ends
 * in `id`, so a filtered page is read in keyset order straight from the index, never sorted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("users_dir_state_id")
    .on("directory_users")
    .columns(["directory_id", "state", "id"])
    .execute();
  await db.schema
    .createIndex("users_org_state_id")
    .on("directory_users")
    .columns(["organization_id", "state", "id"])
    .execute();
  // Replaces users_dir_idp (its prefix), which still serves SCIM's externalId lookups this way.
  await db.schema
    .createIndex("users_dir_idp_id")
    .on("directory_users")
    .columns(["directory_id", "idp_id", "id"])
    .execute();
  await db.schema.dropIndex("users_dir_idp").execute();
  await db.schema
    .createIndex("users_org_idp_id")
    .on("directory_users")
    .columns(["organization_id", "idp_id", "id"])
    .execute();
  // `email` without a directory: any of a user's addresses, lowercased.
  await db.schema.createIndex("user_emails_value").on("user_emails").columns(["value_lower", "user_id"]).execute();
}
