import { type Kysely, sql } from "kysely";

const INGEST_TYPES = [
  "okta scim v2.0",
  "azure scim v2.0",
  "onelogin scim v2.0",
  "jump cloud scim v2.0",
  "generic scim v2.0",
];

/**
 * Setup links for a customer's IT admin and the browser sessions they open, and the moment a
 * directory became `linked` (its first authenticated SCIM request or first successful sync).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("portal_links")
    .addColumn("id", "text", (c) => c.primaryKey())
    // SHA-256 of the link's secret: the link itself is never stored.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("organization_id", "text", (c) => c.notNull().references("organizations.id").onDelete("cascade"))
    .addColumn("intent", "text", (c) => c.notNull())
    .addColumn("return_url", "text")
    .addColumn("success_url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("opened_at", "text")
    .execute();

  await db.schema
    .createTable("web_sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // `portal`: one organization's directory setup, opened by a setup link.
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("organization_id", "text", (c) => c.references("organizations.id").onDelete("cascade"))
    .addColumn("link_id", "text", (c) => c.references("portal_links.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("directories").addColumn("linked_at", "text").execute();
  // Until now every directory was created `linked`. An ingest directory that has heard from its IdP
  // (a request that got past authentication, or anything stored) stays linked; one that never has is
  // `unlinked`, as a new one now starts. Pull directories keep their state.
  const heard = sql<boolean>`(
    exists (select 1 from scim_requests r where r.directory_id = directories.id and r.status <> 401)
    or exists (select 1 from directory_users u where u.directory_id = directories.id)
    or exists (select 1 from directory_groups g where g.directory_id = directories.id))`;
  const table = db as unknown as Kysely<{
    directories: { id: string; type: string; state: string; linked_at: string | null; created_at: string };
  }>;
  await table
    .updateTable("directories")
    .set({ state: "unlinked" })
    .where("state", "=", "linked")
    .where("type", "in", INGEST_TYPES)
    .where(sql<boolean>`not ${heard}`)
    .execute();
  await table
    .updateTable("directories")
    .set((eb) => ({ linked_at: eb.ref("created_at") }))
    .where("state", "<>", "unlinked")
    .where((eb) => eb.or([eb("type", "not in", INGEST_TYPES), heard]))
    .execute();
}
