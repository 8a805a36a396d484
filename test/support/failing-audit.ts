import { type Kysely, sql } from "kysely";
import type { Database } from "../../src/storage/schema.js";
import type { Dialect } from "./databases.js";

/**
 * Makes the database itself refuse audit entries of one action (a trigger), so a test can see
 * that the change the entry records is rolled back with it. Returns what lifts the refusal.
 */
export async function refuseAuditAction(
  dialect: Dialect,
  db: Kysely<Database>,
  action: string,
): Promise<() => Promise<void>> {
  const literal = `'${action.replaceAll("'", "''")}'`;
  if (dialect === "sqlite") {
    await sql
      .raw(
        `create trigger refuse_audit before insert on audit_log when new.action = ${literal} begin select raise(abort, 'audit entry refused by the test'); end`,
      )
      .execute(db);
    return async () => void (await sql.raw("drop trigger refuse_audit").execute(db));
  }
  await sql
    .raw(
      `create function refuse_audit() returns trigger language plpgsql as $$ begin if new.action = ${literal} then raise exception 'audit entry refused by the test'; end if; return new; end $$`,
    )
    .execute(db);
  await sql
    .raw("create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()")
    .execute(db);
  return async () => {
    await sql.raw("drop trigger refuse_audit on audit_log").execute(db);
    await sql.raw("drop function refuse_audit()").execute(db);
  };
}
