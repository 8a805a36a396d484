import { type Kysely, sql } from "kysely";
import type { DirectoryCountsUpkeep } from "../capabilities.js";

/**
 * Each backend adds to its directory's row number `pg_backend_pid() % SLOTS`: concurrent writers
 * (a pool's connections, other processes) mostly hold different rows until they commit, where one
 * row per directory would queue every create of a directory behind the one before.
 */
const SLOTS = 16;
const SLOT = sql.raw(`pg_backend_pid() % ${SLOTS}`);

/**
 * Inserts and deletes count per statement, from its transition table: a multi-row insert (a sync
 * batch, a seeding) or a cascade costs one update per directory, not one per row. A user's state
 * or directory changes one row at a time, and the `when` clause leaves every other update alone
 * without calling the function.
 */
const TRIGGERS = [
  sql`create function directory_counts_directory_created() returns trigger language plpgsql as $$
    begin
      insert into directory_counts (directory_id, slot, users, active_users, groups) select new.id, s, 0, 0, 0 from generate_series(0, ${sql.raw(String(SLOTS - 1))}) as s;
      return null;
    end $$`,
  sql`create trigger directory_counts_directory_created after insert on directories for each row execute function directory_counts_directory_created()`,
  usersByStatement("inserted", "+"),
  usersByStatement("deleted", "-"),
  sql`create function directory_counts_user_updated() returns trigger language plpgsql as $$
    begin
      update directory_counts set users = users - 1, active_users = active_users - (old.state = 'active')::int where directory_id = old.directory_id and slot = ${SLOT};
      update directory_counts set users = users + 1, active_users = active_users + (new.state = 'active')::int where directory_id = new.directory_id and slot = ${SLOT};
      return null;
    end $$`,
  sql`create trigger directory_counts_user_updated after update of state, directory_id on directory_users for each row
    when (old.state is distinct from new.state or old.directory_id is distinct from new.directory_id) execute function directory_counts_user_updated()`,
  groupsByStatement("inserted", "+"),
  groupsByStatement("deleted", "-"),
  sql`create function directory_counts_group_moved() returns trigger language plpgsql as $$
    begin
      update directory_counts set groups = groups - 1 where directory_id = old.directory_id and slot = ${SLOT};
      update directory_counts set groups = groups + 1 where directory_id = new.directory_id and slot = ${SLOT};
      return null;
    end $$`,
  sql`create trigger directory_counts_group_moved after update of directory_id on directory_groups for each row
    when (old.directory_id is distinct from new.directory_id) execute function directory_counts_group_moved()`,
].flat();

function usersByStatement(change: "inserted" | "deleted", sign: "+" | "-") {
  const fn = sql.raw(`directory_counts_users_${change}`);
  const rows = sql.raw(change === "inserted" ? "new table as changed" : "old table as changed");
  const op = sql.raw(sign);
  return [
    sql`create function ${fn}() returns trigger language plpgsql as $$
      begin
        update directory_counts c set users = c.users ${op} n.users, active_users = c.active_users ${op} n.active
          from (select directory_id, count(*) as users, count(*) filter (where state = 'active') as active from changed group by directory_id) as n
          where c.directory_id = n.directory_id and c.slot = ${SLOT};
        return null;
      end $$`,
    sql`create trigger ${fn} after ${sql.raw(change === "inserted" ? "insert" : "delete")} on directory_users referencing ${rows} for each statement execute function ${fn}()`,
  ];
}

function groupsByStatement(change: "inserted" | "deleted", sign: "+" | "-") {
  const fn = sql.raw(`directory_counts_groups_${change}`);
  const rows = sql.raw(change === "inserted" ? "new table as changed" : "old table as changed");
  const op = sql.raw(sign);
  return [
    sql`create function ${fn}() returns trigger language plpgsql as $$
      begin
        update directory_counts c set groups = c.groups ${op} n.groups
          from (select directory_id, count(*) as groups from changed group by directory_id) as n
          where c.directory_id = n.directory_id and c.slot = ${SLOT};
        return null;
      end $$`,
    sql`create trigger ${fn} after ${sql.raw(change === "inserted" ? "insert" : "delete")} on directory_groups referencing ${rows} for each statement execute function ${fn}()`,
  ];
}

export const POSTGRES_DIRECTORY_COUNTS: DirectoryCountsUpkeep = Object.freeze<DirectoryCountsUpkeep>({
  slots: SLOTS,
  async createTriggers(db: Kysely<unknown>) {
    for (const statement of TRIGGERS) await statement.execute(db);
  },
});
