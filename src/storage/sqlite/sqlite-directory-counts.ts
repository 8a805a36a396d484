import { type Kysely, sql } from "kysely";
import type { DirectoryCountsUpkeep } from "../capabilities.js";

/**
 * Row triggers (SQLite has no others), each an update of the directory's one row: writers take
 * turns, so one row serializes nothing that was not already serialized, and the update costs a
 * few microseconds inside a write that already takes hundreds.
 */
const TRIGGERS = [
  sql`create trigger directory_counts_directory_created after insert on directories begin
    insert into directory_counts (directory_id, slot, users, active_users, groups, changes) values (new.id, 0, 0, 0, 0, 0);
  end`,
  sql`create trigger directory_counts_user_inserted after insert on directory_users begin
    update directory_counts set users = users + 1, active_users = active_users + (new.state = 'active'), changes = changes + 1 where directory_id = new.directory_id;
  end`,
  sql`create trigger directory_counts_user_deleted after delete on directory_users begin
    update directory_counts set users = users - 1, active_users = active_users - (old.state = 'active'), changes = changes + 1 where directory_id = old.directory_id;
  end`,
  sql`create trigger directory_counts_user_updated after update of state, directory_id on directory_users
    when old.state is not new.state or old.directory_id is not new.directory_id begin
    update directory_counts set users = users - 1, active_users = active_users - (old.state = 'active'), changes = changes + (old.directory_id is not new.directory_id) where directory_id = old.directory_id;
    update directory_counts set users = users + 1, active_users = active_users + (new.state = 'active'), changes = changes + (old.directory_id is not new.directory_id) where directory_id = new.directory_id;
  end`,
  sql`create trigger directory_counts_group_inserted after insert on directory_groups begin
    update directory_counts set groups = groups + 1, changes = changes + 1 where directory_id = new.directory_id;
  end`,
  sql`create trigger directory_counts_group_deleted after delete on directory_groups begin
    update directory_counts set groups = groups - 1, changes = changes + 1 where directory_id = old.directory_id;
  end`,
  sql`create trigger directory_counts_group_moved after update of directory_id on directory_groups
    when old.directory_id is not new.directory_id begin
    update directory_counts set groups = groups - 1, changes = changes + 1 where directory_id = old.directory_id;
    update directory_counts set groups = groups + 1, changes = changes + 1 where directory_id = new.directory_id;
  end`,
];

export const SQLITE_DIRECTORY_COUNTS: DirectoryCountsUpkeep = Object.freeze<DirectoryCountsUpkeep>({
  slots: 1,
  async createTriggers(db: Kysely<unknown>) {
    for (const trigger of TRIGGERS) await trigger.execute(db);
  },
});
