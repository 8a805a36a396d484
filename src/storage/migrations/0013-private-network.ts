import type { Kysely } from "kysely";

/**
 * An admin's leave, per row, for a webhook endpoint or a pull directory's connector to reach
 * private, loopback and other special addresses while `ROSTER_OUTBOUND_PRIVATE` refuses them
 * (an LDAP server on the office network). 0 for every existing row: the guard applies to them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("webhook_endpoints")
    .addColumn("private_network", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("directories")
    .addColumn("private_network", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}
