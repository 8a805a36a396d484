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
 * A user's insert and delete count per statement, from its transition table, when the statement
 * runs: a sync batch's multi-row insert or a directory's cascade of a million users is one update
 * per directory. Every other change counts per row at the commit (constraint triggers, `initially
 * deferred`), so its slot is the last lock its transaction takes: a transaction holding a slot while
 * waiting for a row lock could deadlock with one holding that row and waiting for the slot (a group
 * created with a member while that member is deleted, both backends on one slot). The store keeps
 * the statement-time ones safe by taking a user's insert or delete after every lock on rows
 * others write (`users.remove` ends the memberships first; a create writes only its own rows); a
 * sync batch, which goes on to other users after one, writes a pull directory, which has one writer
 * at a time. Deferred counting costs one update per row at the commit (~25 µs), cheap for what
 * it counts: a state change, a group's create, delete or move.
 */
const TRIGGERS = [
  sql`create function directory_counts_directory_created() returns trigger language plpgsql as $$
    begin
      insert into directory_counts (directory_id, slot, users, active_users, groups, changes) select new.id, s, 0, 0, 0, 0 from generate_series(0, ${sql.raw(String(SLOTS - 1))}) as s;
      return null;
    end $$`,
  sql`create trigger directory_counts_directory_created after insert on directories for each row execute function directory_counts_directory_created()`,
  usersByStatement("inserted", "+"),
  usersByStatement("deleted", "-"),
  sql`create function directory_counts_user_updated() returns trigger language plpgsql as $$
    begin
      update directory_counts set users = users - 1, active_users = active_users - (old.state = 'active')::int, changes = changes + (old.directory_id <> new.directory_id)::int
        where directory_id = old.directory_id and slot = ${SLOT};
      update directory_counts set users = users + 1, active_users = active_users + (new.state = 'active')::int, changes = changes + (old.directory_id <> new.directory_id)::int
        where directory_id = new.directory_id and slot = ${SLOT};
      return null;
    end $$`,
  sql`create constraint trigger directory_counts_user_updated after update of state, directory_id on directory_users deferrable initially deferred for each row
    when (old.state is distinct from new.state or old.directory_id is distinct from new.directory_id) execute function directory_counts_user_updated()`,
  sql`create function directory_counts_group_changed() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        update directory_counts set groups = groups - 1, changes = changes + 1 where directory_id = old.directory_id and slot = ${SLOT};
      end if;
      if tg_op <> 'DELETE' then
        update directory_counts set groups = groups + 1, changes = changes + 1 where directory_id = new.directory_id and slot = ${SLOT};
      end if;
      return null;
    end $$`,
  sql`create constraint trigger directory_counts_group_inserted after insert on directory_groups deferrable initially deferred for each row execute function directory_counts_group_changed()`,
  sql`create constraint trigger directory_counts_group_deleted after delete on directory_groups deferrable initially deferred for each row execute function directory_counts_group_changed()`,
  sql`create constraint trigger directory_counts_group_moved after update of directory_id on directory_groups deferrable initially deferred for each row
    when (old.directory_id is distinct from new.directory_id) execute function directory_counts_group_changed()`,
].flat();

function usersByStatement(change: "inserted" | "deleted", sign: "+" | "-") {
  const fn = sql.raw(`directory_counts_users_${change}`);
  const rows = sql.raw(change === "inserted" ? "new table as changed" : "old table as changed");
  const op = sql.raw(sign);
  return [
    sql`create function ${fn}() returns trigger language plpgsql as $$
      begin
        update directory_counts c set users = c.users ${op} n.users, active_users = c.active_users ${op} n.active, changes = c.changes + n.users
          from (select directory_id, count(*) as users, count(*) filter (where state = 'active') as active from changed group by directory_id) as n
          where c.directory_id = n.directory_id and c.slot = ${SLOT};
        return null;
      end $$`,
    sql`create trigger ${fn} after ${sql.raw(change === "inserted" ? "insert" : "delete")} on directory_users referencing ${rows} for each statement execute function ${fn}()`,
  ];
}

export const POSTGRES_DIRECTORY_COUNTS: DirectoryCountsUpkeep = Object.freeze<DirectoryCountsUpkeep>({
  slots: SLOTS,
  async createTriggers(db: Kysely<unknown>) {
    for (const statement of TRIGGERS) await statement.execute(db);
  },
});
