import { assertWithinLimits, userInputProblems } from "./input-limits.js";
import type { Kysely } from "kysely";
import type { StorageCapabilities, UserCreateWrite } from "../storage/capabilities.js";
import { immediateWritesOf } from "../storage/immediate-writes.js";
import type { Database, DirectoryUserRow } from "../storage/schema.js";
import { deriveColumns, roleGroupsOf } from "./derived-attributes.js";
import { type CompiledMapping, loadMapping } from "./mapping/directory-mapping.js";
import { appendEvents, eventRows, type OutboxDeps } from "./outbox.js";
import type { MappingCache } from "./mapping/mapping-cache.js";
import { applyStateChangeToMemberships } from "./membership-store.js";
import { inTransaction, type WriteScope } from "./write-scope.js";
import { StoreErrors } from "./store-errors.js";
import type { Db, DirectoryContext, EmailInput, UserInput } from "./types.js";
import type { WriteOptions } from "./group-store.js";
import { type DirectoryUser, previousAttributes, toDirectoryUser } from "./user-object.js";
import { chunks } from "../storage/value-lists.js";
import {
  emailRows,
  insertUserRow,
  loadUser,
  lockUser,
  sourceColumnsOf,
  userColumns,
  writeEmails,
  writeEmailsOfMany,
} from "./user-rows.js";

export interface StoredUser {
  readonly user: DirectoryUser;
  readonly version: number;
}

export interface StoreDeps extends OutboxDeps {
  readonly db: Kysely<Database>;
  readonly caps: StorageCapabilities;
}

/** What a source says of a user, as columns: from its input (a replace) or from the stored row (a deactivation). */
interface SourceState {
  readonly columns: ReturnType<typeof userColumns>;
  readonly rawAttributes: Record<string, unknown>;
  /** The emails to index when the `emails` column changes. */
  readonly emails: readonly EmailInput[];
}

function sourceStateOf(input: UserInput): SourceState {
  assertWithinLimits(userInputProblems(input));
  return { columns: userColumns(input), rawAttributes: input.rawAttributes, emails: input.emails };
}

/** Users of a directory: every write and its events in one transaction, named for the change it makes. */
export function createUserStore(deps: StoreDeps, scope: WriteScope, mappings: MappingCache) {
  const { caps, clock, ids } = deps;
  const db = scope.db;

  async function mustLoad(trx: Db, dir: DirectoryContext, id: string) {
    const found = await loadUser(trx, dir.id, id);
    if (!found) throw StoreErrors.userNotFound(id);
    return found;
  }

  /** The user's row, held (where the backend locks rows) until the transaction ends. */
  async function mustLock(trx: Db, dir: DirectoryContext, id: string) {
    const found = await lockUser(trx, caps, dir.id, id);
    if (!found) throw StoreErrors.userNotFound(id);
    return found;
  }

  function checkVersion(row: DirectoryUserRow, ifMatch: number | undefined): void {
    if (ifMatch !== undefined && row.version !== ifMatch) throw StoreErrors.versionMismatch("user", row.id);
  }

  /** Runs a write, turning a lost race for a unique userName into 409. */
  async function write<T>(username: string | (() => string), work: (trx: Db) => Promise<T>): Promise<T> {
    try {
      return await inTransaction(scope, work);
    } catch (error) {
      if (caps.isUniqueViolation(error))
        throw StoreErrors.usernameTaken(typeof username === "string" ? username : username());
      throw error;
    }
  }

  async function assertUsernameFree(
    trx: Db,
    dir: DirectoryContext,
    username: string,
    exceptId?: string,
  ): Promise<void> {
    let query = trx
      .selectFrom("directory_users")
      .select("id")
      .where("directory_id", "=", dir.id)
      .where("username_lower", "=", username.toLowerCase());
    if (exceptId) query = query.where("id", "!=", exceptId);
    if (await query.executeTakeFirst()) throw StoreErrors.usernameTaken(username);
  }

  /** The user's columns from the source, with what the directory's mappings derive from them. */
  async function columnsOf(
    trx: Db,
    dir: DirectoryContext,
    mapping: CompiledMapping,
    id: string | null,
    source: Pick<SourceState, "columns" | "rawAttributes">,
  ) {
    const { columns } = source;
    const groups = id === null ? [] : ((await roleGroupsOf(trx, [id], mapping)).get(id) ?? []);
    return { ...columns, ...deriveColumns(dir, mapping, source.rawAttributes, columns.state, groups) };
  }

  /**
   * Rewrites a user from `next`, a function of the user as it is once locked (a SCIM PATCH applies
   * its operations there, so concurrent changes of one user wait for each other instead of retrying).
   */
  async function rewrite(
    dir: DirectoryContext,
    id: string,
    next: (current: { row: DirectoryUserRow; user: DirectoryUser }) => SourceState,
    ifMatch: number | undefined,
  ): Promise<StoredUser> {
    let username = "";
    return write(
      () => username,
      async (trx) => {
        // Mapping first, then the user's row lock: the order every store writer takes them in.
        const mapping = await loadMapping(trx, caps, dir.id);
        const before = await mustLock(trx, dir, id);
        checkVersion(before.row, ifMatch);
        const source = next(before);
        username = source.columns.username;
        const columns = await columnsOf(trx, dir, mapping, id, source);
        const unchanged = Object.entries(columns).every(([k, v]) => before.row[k as keyof DirectoryUserRow] === v);
        if (unchanged) return { user: before.user, version: before.row.version };
        if (columns.username_lower !== before.row.username_lower)
          await assertUsernameFree(trx, dir, columns.username, id);
        const version = before.row.version + 1;
        const result = await trx
          .updateTable("directory_users")
          .set({ ...columns, version, updated_at: clock.now().toISOString() })
          .where("id", "=", id)
          .where("version", "=", before.row.version)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) throw StoreErrors.versionMismatch("user", id);
        if (columns.emails !== before.row.emails) await writeEmails(trx, id, dir.id, source.emails);
        const { user } = await mustLoad(trx, dir, id);
        await appendEvents(trx, deps, [
          {
            event: "dsync.user.updated",
            organizationId: dir.organizationId,
            directoryId: dir.id,
            data: { ...user, previous_attributes: previousAttributes(before.user, user) },
          },
        ]);
        await applyStateChangeToMemberships(trx, deps, dir, before.user, user);
        return { user, version };
      },
    );
  }

  /**
   * `create` as one statement (`caps.oneStatement`), or at once on SQLite's connection
   * (`storage/immediate-writes.ts`), with the mapping this process last read; undefined when the
   * directory's settings changed meanwhile twice over, it has none, or the write cannot run at
   * once: then the transaction does it.
   */
  async function createInOneStatement(
    createUser: (write: UserCreateWrite) => Promise<boolean> | undefined,
    dir: DirectoryContext,
    input: UserInput,
  ): Promise<StoredUser | undefined> {
    for (let attempt = 1; attempt <= 2; attempt++) {
      const known = await mappings.get(db, dir.id);
      if (!known) return undefined;
      const now = clock.now().toISOString();
      const columns = userColumns(input);
      const row: DirectoryUserRow = {
        id: ids("user"),
        directory_id: dir.id,
        organization_id: dir.organizationId,
        ...columns,
        ...deriveColumns(dir, known.mapping, input.rawAttributes, columns.state, []),
        version: 1,
        created_at: now,
        updated_at: now,
      };
      const user = toDirectoryUser(row);
      const [event] = eventRows(deps, [
        { event: "dsync.user.created", organizationId: dir.organizationId, directoryId: dir.id, data: user },
      ]);
      if (!event) throw new Error("no event row");
      try {
        const written = createUser({
          settings: known.settings,
          row,
          emails: emailRows(row.id, dir.id, input.emails),
          event,
        });
        if (written === undefined) return undefined;
        if (await written) return { user, version: 1 };
      } catch (error) {
        if (caps.isUniqueViolation(error)) throw StoreErrors.usernameTaken(input.username);
        throw error;
      }
      mappings.forget(dir.id);
    }
    return undefined;
  }

  return {
    async get(directoryId: string, id: string): Promise<StoredUser | undefined> {
      const found = await loadUser(db, directoryId, id);
      return found && { user: found.user, version: found.row.version };
    },

    async create(dir: DirectoryContext, input: UserInput): Promise<StoredUser> {
      assertWithinLimits(userInputProblems(input));
      const { oneStatement } = caps;
      const immediate = scope.inBatch ? undefined : immediateWritesOf(db);
      if (oneStatement && !scope.inBatch && input.emails.length <= oneStatement.createUserMaxEmails) {
        const created = await createInOneStatement((write) => oneStatement.createUser(db, write), dir, input);
        if (created) return created;
      } else if (immediate) {
        const created = await createInOneStatement((write) => immediate.createUser(write), dir, input);
        if (created) return created;
      }
      return write(input.username, async (trx) => {
        const mapping = await loadMapping(trx, caps, dir.id);
        // No look-up first: the unique index on (directory_id, username_lower) refuses a duplicate,
        // also between two racing creates, and `write` turns that into 409.
        const now = clock.now().toISOString();
        const row: DirectoryUserRow = {
          id: ids("user"),
          directory_id: dir.id,
          organization_id: dir.organizationId,
          ...(await columnsOf(trx, dir, mapping, null, {
            columns: userColumns(input),
            rawAttributes: input.rawAttributes,
          })),
          version: 1,
          created_at: now,
          updated_at: now,
        };
        await insertUserRow(trx, row);
        await writeEmails(trx, row.id, dir.id, input.emails, true);
        const user = toDirectoryUser(row);
        await appendEvents(trx, deps, [
          { event: "dsync.user.created", organizationId: dir.organizationId, directoryId: dir.id, data: user },
        ]);
        return { user, version: 1 };
      });
    },

    /**
     * Creates many users in one transaction with a few multi-row statements (a connector's batch):
     * all or none, so a caller that must isolate a bad record retries them one by one.
     */
    async createMany(dir: DirectoryContext, inputs: readonly UserInput[]): Promise<DirectoryUser[]> {
      if (inputs.length === 0) return [];
      for (const input of inputs) assertWithinLimits(userInputProblems(input));
      return write(inputs[0]?.username ?? "", async (trx) => {
        const mapping = await loadMapping(trx, caps, dir.id);
        const now = clock.now().toISOString();
        const rows: DirectoryUserRow[] = [];
        for (const input of inputs) {
          const columns = userColumns(input);
          rows.push({
            id: ids("user"),
            directory_id: dir.id,
            organization_id: dir.organizationId,
            ...columns,
            ...deriveColumns(dir, mapping, input.rawAttributes, columns.state, []),
            version: 1,
            created_at: now,
            updated_at: now,
          });
        }
        for (const part of chunks(rows, 200)) await trx.insertInto("directory_users").values(part).execute();
        await writeEmailsOfMany(
          trx,
          dir.id,
          rows.map((row, i) => ({ userId: row.id, emails: (inputs[i] as UserInput).emails })),
        );
        const users = rows.map(toDirectoryUser);
        for (const part of chunks(users, 200)) {
          await appendEvents(
            trx,
            deps,
            part.map((user) => ({
              event: "dsync.user.created" as const,
              organizationId: dir.organizationId,
              directoryId: dir.id,
              data: user,
            })),
          );
        }
        return users;
      });
    },

    /** Replaces every attribute (SCIM PUT, a connector's record). */
    async replace(
      dir: DirectoryContext,
      id: string,
      input: UserInput,
      { ifMatch }: WriteOptions = {},
    ): Promise<StoredUser> {
      return rewrite(dir, id, () => sourceStateOf(input), ifMatch);
    },

    /** A PATCH: `apply` turns the user, as locked in the write, into its new attributes. */
    async patch(
      dir: DirectoryContext,
      id: string,
      apply: (current: DirectoryUser) => UserInput,
      { ifMatch }: WriteOptions = {},
    ): Promise<StoredUser> {
      return rewrite(dir, id, ({ user }) => sourceStateOf(apply(user)), ifMatch);
    },

    /** Makes a user inactive, everything else as stored (a connector's source no longer has it). */
    async deactivate(dir: DirectoryContext, id: string): Promise<StoredUser> {
      return rewrite(
        dir,
        id,
        ({ row, user }) => ({
          columns: { ...sourceColumnsOf(row), state: "inactive" },
          rawAttributes: user.raw_attributes,
          emails: user.emails,
        }),
        undefined,
      );
    },

    async remove(dir: DirectoryContext, id: string, { ifMatch }: WriteOptions = {}): Promise<void> {
      await inTransaction(scope, async (trx) => {
        const before = await mustLoad(trx, dir, id);
        checkVersion(before.row, ifMatch);
        // Memberships go with the user (foreign-key cascade); say so to readers first.
        await applyStateChangeToMemberships(trx, deps, { ...dir, deactivatedMembers: "remove" }, before.user, {
          ...before.user,
          state: "inactive",
        });
        await trx.deleteFrom("directory_users").where("id", "=", id).execute();
        await appendEvents(trx, deps, [
          {
            event: "dsync.user.deleted",
            organizationId: dir.organizationId,
            directoryId: dir.id,
            data: { ...before.user, state: "inactive" },
          },
        ]);
      });
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
