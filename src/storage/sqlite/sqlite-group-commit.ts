import {
  CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type SqliteDatabase,
  type TransactionSettings,
} from "kysely";
import { isBusy, WriterTurnstile } from "./sqlite-writer-turnstile.js";

// IMMEDIATE takes the write lock at once: a deferred transaction that read first could be refused
// mid-way (another connection committed since its snapshot) when it tried to write.
const BEGIN = CompiledQuery.raw("begin immediate");
const MEMBER = CompiledQuery.raw('savepoint "roster_group_member"');
const RELEASE_MEMBER = CompiledQuery.raw('release savepoint "roster_group_member"');
const UNDO_MEMBER = CompiledQuery.raw('rollback to savepoint "roster_group_member"');
const ROLLBACK = CompiledQuery.raw("rollback");

/** What the driver needs to know of the SQLite handle beneath it. */
export interface SqliteTransactionState {
  /** Whether a transaction is open on the connection (SQLite may end one on its own after an I/O error). */
  readonly inTransaction: boolean;
}

/** Several transactions made durable by one COMMIT; each member waits for it. */
class Group {
  members = 0;
  commitScheduled = false;
  readonly committed: Promise<void>;
  #settle!: (error?: unknown) => void;
  constructor() {
    this.committed = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === undefined ? resolve() : reject(error));
    });
    // Members that left before the outcome attach their own handlers; this one keeps an unobserved failure quiet.
    this.committed.catch(() => {});
  }
  settle(error?: unknown): void {
    this.#settle(error);
  }
}

/** One use of the connection, from acquire to release. */
class Lease implements DatabaseConnection {
  inTransaction = false;
  released = false;
  group: Group | null = null;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly driver: GroupCommitDriver,
  ) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.released) return Promise.reject(new Error("the connection was used after it was released"));
    if (this.inTransaction) return this.inner.executeQuery<R>(query);
    if (!this.driver.hasOpenGroup) return this.driver.outsideTransaction<R>(this.inner, query);
    return this.driver.commitOpenOn(this.inner).then(() => this.driver.outsideTransaction<R>(this.inner, query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (!this.inTransaction) await this.driver.commitOpenOn(this.inner);
    yield* this.inner.streamQuery<R>(query, chunkSize);
  }
}

function lease(connection: DatabaseConnection): Lease {
  if (!(connection instanceof Lease)) throw new Error("a connection this driver did not hand out");
  return connection;
}

/** Which side of the writer turnstile a connection is on (see `WriterTurnstile`). */
export interface SqliteWriter {
  /** `serving`: never blocks its thread for the lock. `background`: may, and gives way to the serving thread. */
  readonly role: "serving" | "background";
  readonly turnstile: WriterTurnstile;
}

class GroupCommitDriver implements Driver {
  #open: Group | null = null;
  /** Uses of the connection acquired or waiting for it. */
  #uses = 0;

  constructor(
    private readonly inner: Driver,
    private readonly sqlite: SqliteTransactionState,
    private readonly maxMembers: number,
    private readonly writer: SqliteWriter,
  ) {}

  /** A statement outside any transaction: on the serving side, retried while another writer holds the lock. */
  outsideTransaction<R>(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.writer.role !== "serving") return connection.executeQuery<R>(query);
    // Most statements are not refused: nothing extra for them. better-sqlite3 refuses synchronously.
    try {
      return connection.executeQuery<R>(query);
    } catch (error) {
      return isBusy(error)
        ? this.writer.turnstile.retryWhileBusy(() => connection.executeQuery<R>(query))
        : Promise.reject(error);
    }
  }

  init = () => this.inner.init();

  async destroy(): Promise<void> {
    const connection = await this.#acquireInner();
    try {
      await this.#commitOpen(connection);
    } finally {
      await this.#releaseInner(connection);
    }
    await this.inner.destroy();
  }

  get hasOpenGroup(): boolean {
    return this.#open !== null;
  }

  /**
   * Whether a statement run on the connection this instant, outside the driver, reads only what
   * is committed and cuts in on nobody: no one holds or awaits the connection, no group waits
   * for its COMMIT, and no transaction is open.
   */
  get idle(): boolean {
    return this.#uses === 0 && this.#open === null && !this.sqlite.inTransaction;
  }

  async #acquireInner(): Promise<DatabaseConnection> {
    this.#uses++;
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.#uses--;
      throw error;
    }
  }

  async #releaseInner(connection: DatabaseConnection): Promise<void> {
    this.#uses--;
    await this.inner.releaseConnection(connection);
  }

  /** Commits the open group on `connection`, which the caller holds (a query outside any transaction). */
  commitOpenOn(connection: DatabaseConnection): Promise<void> {
    return this.#commitOpen(connection);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Lease(await this.#acquireInner(), this);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const l = lease(connection);
    if (l.released) return;
    l.released = true;
    await this.#releaseInner(l.inner);
  }

  async beginTransaction(connection: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    const l = lease(connection);
    if (this.#open && this.#open.members >= this.maxMembers) await this.#commitOpen(l.inner);
    if (!this.#open) {
      await this.#begin(l.inner);
      this.#open = new Group();
    }
    await l.inner.executeQuery(MEMBER);
    l.inTransaction = true;
    l.group = this.#open;
  }

  /** The member's work is kept; it lets the next transaction in and answers once the group's COMMIT has. */
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const l = lease(connection);
    const group = l.group;
    if (!group) throw new Error("commit without a transaction");
    await l.inner.executeQuery(RELEASE_MEMBER);
    l.inTransaction = false;
    group.members++;
    await this.releaseConnection(l);
    this.#scheduleCommit(group);
    await group.committed;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const l = lease(connection);
    const group = l.group;
    l.inTransaction = false;
    // Let go already: the group's COMMIT failed after the member's work was done; nothing is left to undo.
    if (l.released || !group || group !== this.#open) return;
    // An error (SQLITE_FULL, an I/O error) can make SQLite roll back the whole transaction: there is
    // no savepoint left to return to (trying would hide the error that ended it behind "no such
    // savepoint"), and the members before this one are lost too.
    if (!this.sqlite.inTransaction) return this.#failRolledBack();
    try {
      await l.inner.executeQuery(UNDO_MEMBER);
      await l.inner.executeQuery(RELEASE_MEMBER);
    } finally {
      if (!this.sqlite.inTransaction) this.#failRolledBack();
      else if (group.members === 0) await this.#rollbackOpen(l.inner);
    }
  }

  /**
   * Runs `work` as a member of the open group, or of a group it begins: what `beginTransaction`,
   * the member's statements and `commitTransaction` do, without a promise turn between them.
   * `work` runs its statements through `run`, on the connection's own handle, synchronously.
   * Resolves once the group's COMMIT has, as `commitTransaction` does. Undefined, having run
   * nothing, when the driver's own way would not run it at once: someone holds or awaits the
   * connection (it would queue behind them), the open group is full, another connection holds the
   * write lock (only the driver's way retries), or this is a background writer (which gives way to
   * the serving thread first).
   *
   * No savepoint (it made SQLite copy every page the member changed, about 6 % of a create): a
   * `work` that throws before any of its statements wrote has left nothing (SQLite undoes a failed
   * statement alone), and only it fails; one that throws after a write is undone with the whole
   * group, whose members all fail as after an I/O error. So `work` must do what can be refused (a
   * unique key) in its first write.
   */
  atOnce<T>(database: SqliteDatabase, work: (run: (query: CompiledQuery) => void) => T): Promise<T> | undefined {
    if (this.#uses > 0 || this.writer.role !== "serving") return undefined;
    let group = this.#open;
    if (group && group.members >= this.maxMembers) return undefined;
    if (!group) {
      if (this.sqlite.inTransaction) return undefined;
      try {
        database.prepare(BEGIN.sql).run([]);
      } catch (error) {
        if (isBusy(error)) return undefined;
        throw error;
      }
      group = new Group();
      this.#open = group;
    }
    let wrote = false;
    const run = (query: CompiledQuery) => {
      database.prepare(query.sql).run(query.parameters);
      wrote = true;
    };
    let result: T;
    try {
      result = work(run);
    } catch (error) {
      this.#undoAtOnce(database, group, wrote);
      return Promise.reject(error);
    }
    group.members++;
    this.#scheduleCommit(group);
    return group.committed.then(() => result);
  }

  /** After a failed `atOnce` member: nothing to undo, or the whole group rolled back. */
  #undoAtOnce(database: SqliteDatabase, group: Group, wrote: boolean): void {
    if (this.#open !== group) return;
    if (!this.sqlite.inTransaction) return this.#failRolledBack();
    if (!wrote && group.members > 0) return;
    database.prepare(ROLLBACK.sql).run([]);
    if (group.members > 0) return this.#failRolledBack();
    this.#open = null;
    group.settle();
  }

  #failRolledBack(): void {
    // SQLite's own code for "the transaction was rolled back": the members' writes were valid, a retry can succeed.
    this.#fail(
      Object.assign(new Error("the database rolled back a group of transactions after an error in one of them"), {
        code: "SQLITE_ABORT_ROLLBACK",
      }),
    );
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    await this.#savepoints().savepoint(lease(connection).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await this.#savepoints().rollbackToSavepoint(lease(connection).inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await this.#savepoints().releaseSavepoint(lease(connection).inner, name, compile);
  }

  /**
   * Queues the COMMIT behind the transactions waiting for the connection, so they join the group.
   * It waits for the event loop's next check phase first: requests whose data arrived in this
   * turn reach the connection by then, and join too.
   */
  #scheduleCommit(group: Group): void {
    if (group.commitScheduled) return;
    group.commitScheduled = true;
    setImmediate(() => this.#commitWhenFree(group));
  }

  #commitWhenFree(group: Group): void {
    void (async () => {
      const connection = await this.#acquireInner();
      try {
        if (this.#open === group) await this.#commitOpen(connection);
      } finally {
        await this.#releaseInner(connection);
      }
    })().catch((error: unknown) => {
      if (this.#open === group) this.#fail(error);
    });
  }

  async #begin(connection: DatabaseConnection): Promise<void> {
    if (this.writer.role === "serving") {
      await this.writer.turnstile.retryWhileBusy(() => connection.executeQuery(BEGIN));
    } else {
      this.writer.turnstile.giveWay();
      await connection.executeQuery(BEGIN);
    }
  }

  /** Commits the open group on `connection`, which the caller holds; members learn the outcome. */
  async #commitOpen(connection: DatabaseConnection): Promise<void> {
    const group = this.#open;
    if (!group) return;
    this.#open = null;
    try {
      await this.inner.commitTransaction(connection);
      if (this.writer.role === "background") this.writer.turnstile.committed();
      group.settle();
    } catch (error) {
      // A failed COMMIT may leave the transaction open (a deferred constraint): end it, then tell every member.
      if (this.sqlite.inTransaction) await this.inner.rollbackTransaction(connection).catch(() => {});
      group.settle(error);
    }
  }

  async #rollbackOpen(connection: DatabaseConnection): Promise<void> {
    const group = this.#open;
    this.#open = null;
    await this.inner.rollbackTransaction(connection);
    group?.settle();
  }

  #fail(error: unknown): void {
    const group = this.#open;
    this.#open = null;
    group?.settle(error);
  }

  #savepoints(): Required<Pick<Driver, "savepoint" | "rollbackToSavepoint" | "releaseSavepoint">> {
    const { savepoint, rollbackToSavepoint, releaseSavepoint } = this.inner;
    if (!savepoint || !rollbackToSavepoint || !releaseSavepoint) throw new Error("the driver has no savepoints");
    return {
      savepoint: savepoint.bind(this.inner),
      rollbackToSavepoint: rollbackToSavepoint.bind(this.inner),
      releaseSavepoint: releaseSavepoint.bind(this.inner),
    };
  }
}

/**
 * Group commit for SQLite, which has one connection and one writer at a time. Transactions still
 * run one after another, each inside a savepoint of one open SQLite transaction: a transaction
 * that fails is rolled back to its savepoint alone, and one that succeeds lets the next one in
 * and waits. The first to succeed queues a COMMIT behind the transactions already waiting for the
 * connection, so those join the group, and every member answers only after that COMMIT: nothing
 * is reported done before it is durable. The COMMIT (writing each changed page to the WAL, the
 * larger part of a small write's cost) is then paid once per group instead of once per transaction.
 *
 * A query outside a transaction first commits the open group (it holds the connection, so it can),
 * so it never reads what is not committed. If the COMMIT itself fails (an I/O error), every member
 * of the group fails with it.
 *
 * `connectionIdle` tells whether a read may run on the connection at once, beside the driver
 * (`sqlite-immediate-reads.ts`): only when the driver's own way would run it at once, on committed data.
 * `atOnce` runs a write transaction that way (`sqlite-immediate-writes.ts`), a member of the group.
 */
export function withGroupCommit(
  inner: Dialect,
  sqlite: SqliteTransactionState,
  writer: SqliteWriter = { role: "serving", turnstile: new WriterTurnstile() },
  maxMembers = 64,
): {
  readonly dialect: Dialect;
  connectionIdle(): boolean;
  atOnce<T>(database: SqliteDatabase, work: (run: (query: CompiledQuery) => void) => T): Promise<T> | undefined;
} {
  let driver: GroupCommitDriver | null = null;
  return {
    dialect: {
      createDriver: () => {
        driver = new GroupCommitDriver(inner.createDriver(), sqlite, maxMembers, writer);
        return driver;
      },
      createQueryCompiler: () => inner.createQueryCompiler(),
      createAdapter: (): DialectAdapter => inner.createAdapter(),
      createIntrospector: (db: Parameters<Dialect["createIntrospector"]>[0]): DatabaseIntrospector =>
        inner.createIntrospector(db),
    },
    connectionIdle: () => driver?.idle ?? false,
    atOnce: (database, work) => driver?.atOnce(database, work),
  };
}
