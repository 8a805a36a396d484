import type { Kysely } from "kysely";
import type { StorageCapabilities } from "../capabilities.js";

/** Organizations, keys, directories, tokens, users, emails, groups, memberships, events. */
export async function up(db: Kysely<unknown>, caps: StorageCapabilities): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("organizations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_lower", "text", (c) => c.notNull())
    .addColumn("domains", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("api_keys_org").on("api_keys").columns(["organization_id", "id"]).execute();

  await db.schema
    .createTable("directories")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_lower", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("domain", "text")
    .addColumn("deactivated_members", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addColumn("deleted_at", "text")
    .execute();
  await db.schema.createIndex("directories_org").on("directories").columns(["organization_id", "id"]).execute();
  await db.schema.createIndex("directories_deleted").on("directories").columns(["deleted_at"]).execute();

  await db.schema
    .createTable("directory_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text")
    .execute();
  await db.schema.createIndex("directory_tokens_dir").on("directory_tokens").columns(["directory_id"]).execute();

  await db.schema
    .createTable("directory_users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("idp_id", "text")
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("username_lower", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("emails", "text", (c) => c.notNull())
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("job_title", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("role", "text")
    .addColumn("roles", "text", (c) => c.notNull())
    .addColumn("custom_attributes", "text", (c) => c.notNull())
    .addColumn("raw_attributes", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // SCIM userName is unique per directory, case-insensitively (RFC 7643 §4.1.1).
  await db.schema
    .createIndex("users_dir_username")
    .on("directory_users")
    .columns(["directory_id", "username_lower"])
    .unique()
    .execute();
  await db.schema.createIndex("users_dir_idp").on("directory_users").columns(["directory_id", "idp_id"]).execute();
  await db.schema.createIndex("users_dir_id").on("directory_users").columns(["directory_id", "id"]).execute();
  await db.schema.createIndex("users_org_id").on("directory_users").columns(["organization_id", "id"]).execute();

  await db.schema
    .createTable("user_emails")
    .addColumn("user_id", "text", (c) => c.notNull().references("directory_users.id").onDelete("cascade"))
    .addColumn("directory_id", "text", (c) => c.notNull())
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("value_lower", "text", (c) => c.notNull())
    .addColumn("type", "text")
    .addColumn("primary", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_emails_pk", ["user_id", "position"])
    .execute();
  await db.schema
    .createIndex("user_emails_dir_value")
    .on("user_emails")
    .columns(["directory_id", "value_lower"])
    .execute();

  await db.schema
    .createTable("directory_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("directory_id", "text", (c) => c.notNull().references("directories.id").onDelete("cascade"))
    .addColumn("organization_id", "text", (c) => c.notNull())
    .addColumn("idp_id", "text")
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_lower", "text", (c) => c.notNull())
    .addColumn("raw_attributes", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("groups_dir_name")
    .on("directory_groups")
    .columns(["directory_id", "name_lower"])
    .unique()
    .execute();
  await db.schema.createIndex("groups_dir_idp").on("directory_groups").columns(["directory_id", "idp_id"]).execute();
  await db.schema.createIndex("groups_dir_id").on("directory_groups").columns(["directory_id", "id"]).execute();
  await db.schema.createIndex("groups_org_id").on("directory_groups").columns(["organization_id", "id"]).execute();

  // One row per member: adding or removing N members touches N rows, whatever the group's size.
  await db.schema
    .createTable("group_memberships")
    .addColumn("group_id", "text", (c) => c.notNull().references("directory_groups.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("directory_users.id").onDelete("cascade"))
    .addColumn("directory_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("group_memberships_pk", ["group_id", "user_id"])
    .execute();
  await db.schema
    .createIndex("memberships_user_group")
    .on("group_memberships")
    .columns(["user_id", "group_id"])
    .execute();

  await db.schema
    .createTable("events")
    .addColumn("seq", caps.sequenceType, (c) => caps.sequencePrimaryKey(c))
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("organization_id", "text")
    .addColumn("directory_id", "text")
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("xact_id", "text", (c) => (caps.xactIdDefault ? c.defaultTo(caps.xactIdDefault) : c))
    .execute();
  await db.schema.createIndex("events_org_seq").on("events").columns(["organization_id", "seq"]).execute();
  await db.schema.createIndex("events_type_seq").on("events").columns(["event", "seq"]).execute();
  await db.schema.createIndex("events_created").on("events").columns(["created_at"]).execute();
}
