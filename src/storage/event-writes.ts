import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  InsertQueryNode,
  type OperationNode,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
  type WithNode,
} from "kysely";

/** Tells this process's listeners that events were committed through its connections. */
export interface EventWrites {
  /**
   * `listener` runs after each commit that inserted into `events`; returns the unsubscribe.
   * `database` also hears other processes' commits where the backend can tell (PostgreSQL's
   * `LISTEN`, on a connection opened while such a listener exists); `process` only this one's.
   */
  subscribe(listener: () => void, scope?: "process" | "database"): () => void;
  /** Announces a commit that wrote events through another connection of this process (a sync run's thread). */
  announce(): void;
  /** Stops listening to other processes. */
  close(): Promise<void>;
}

/** How a process hears other processes' event commits, and tells them of its own. */
export interface OtherProcesses {
  /** Starts hearing them (`onEvent` for each); `close` stops. */
  listen(onEvent: () => void): { close(): Promise<void> };
  /** Tells them this process committed events (called after each such commit; may coalesce). */
  tell(): void;
  /** Drops what `tell` has not sent yet. */
  close(): void;
}

type Notify = () => void;

function isEventsInsert(node: OperationNode): boolean {
  return InsertQueryNode.is(node) && node.into?.table.identifier.name === "events";
}

/** An insert into `events`, or a statement with one among its CTEs (postgres/postgres-member-change-statement.ts). */
function insertsEvents(query: CompiledQuery): boolean {
  const node = query.query;
  if (isEventsInsert(node)) return true;
  const ctes = "with" in node && node.with ? (node.with as WithNode).expressions : [];
  return ctes.some((cte) => isEventsInsert(cte.expression));
}

/** A connection that remembers whether its open transaction inserted events. */
class WatchedConnection implements DatabaseConnection {
  inTransaction = false;
  wroteEvents = false;
  constructor(
    readonly inner: DatabaseConnection,
    private readonly notify: Notify,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.inner.executeQuery<R>(query);
    if (insertsEvents(query)) {
      if (this.inTransaction) this.wroteEvents = true;
      else this.notify();
    }
    return result;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

function watched(connection: DatabaseConnection): WatchedConnection {
  if (!(connection instanceof WatchedConnection)) throw new Error("a connection this driver did not hand out");
  return connection;
}

class WatchingDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly notify: Notify,
  ) {}

  init = () => this.inner.init();
  destroy = () => this.inner.destroy();

  async acquireConnection(): Promise<DatabaseConnection> {
    return new WatchedConnection(await this.inner.acquireConnection(), this.notify);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(watched(connection).inner);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = watched(connection);
    await this.inner.beginTransaction(c.inner, settings);
    c.inTransaction = true;
    c.wroteEvents = false;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = watched(connection);
    await this.inner.commitTransaction(c.inner);
    c.inTransaction = false;
    // Only now can another connection read them (and, on PostgreSQL, only now do they settle).
    if (c.wroteEvents) this.notify();
    c.wroteEvents = false;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = watched(connection);
    c.inTransaction = false;
    c.wroteEvents = false;
    await this.inner.rollbackTransaction(c.inner);
  }

  // A savepoint rolled back after an events insert leaves a spurious signal: harmless.
  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler["compileQuery"]): Promise<void> {
    await this.#savepoints().savepoint(watched(connection).inner, name, compile);
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await this.#savepoints().rollbackToSavepoint(watched(connection).inner, name, compile);
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler["compileQuery"],
  ): Promise<void> {
    await this.#savepoints().releaseSavepoint(watched(connection).inner, name, compile);
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
 * Wraps a dialect so that every commit that inserted into `events` is announced, after the
 * commit: the delivery worker wakes on it instead of waiting for its next poll. Writes made through
 * this process's Kysely are seen here; other processes' only through `otherProcesses`, if given.
 */
export function watchEventWrites(
  inner: Dialect,
  otherProcesses?: OtherProcesses,
): { readonly dialect: Dialect; readonly eventWrites: EventWrites } {
  const listeners = new Set<() => void>();
  const databaseListeners = new Set<() => void>();
  let remote: { close(): Promise<void> } | null = null;
  const notify = () => {
    for (const listener of listeners) listener();
    otherProcesses?.tell();
  };
  const notifyDatabaseListeners = () => {
    for (const listener of databaseListeners) listener();
  };
  const dialect: Dialect = {
    createDriver: () => new WatchingDriver(inner.createDriver(), notify),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createAdapter: (): DialectAdapter => inner.createAdapter(),
    createIntrospector: (db: Parameters<Dialect["createIntrospector"]>[0]): DatabaseIntrospector =>
      inner.createIntrospector(db),
  };
  return {
    dialect,
    eventWrites: {
      subscribe(listener, scope = "process") {
        listeners.add(listener);
        if (scope === "database" && otherProcesses) {
          databaseListeners.add(listener);
          remote ??= otherProcesses.listen(notifyDatabaseListeners);
        }
        return () => {
          listeners.delete(listener);
          databaseListeners.delete(listener);
          if (databaseListeners.size === 0 && remote) {
            void remote.close();
            remote = null;
          }
        };
      },
      announce: notify,
      async close() {
        otherProcesses?.close();
        databaseListeners.clear();
        const current = remote;
        remote = null;
        await current?.close();
      },
    },
  };
}
