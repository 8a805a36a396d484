import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../../core/clock.js";
import type { IdGenerator } from "../../core/ids.js";
import { type Page, type PageRequest, paginate } from "../../storage/paginate.js";
import type { Database, ScimRequestRow } from "../../storage/schema.js";

export type ScimRequestEntry = Omit<ScimRequestRow, "id" | "created_at">;

export interface ScimRequestLog {
  record(entry: ScimRequestEntry): void;
  /** Writes what is buffered; `list` calls it first so a process sees its own requests. */
  flush(): Promise<void>;
  list(
    directoryId: string,
    filter: { status?: number | undefined; errorsOnly?: boolean | undefined },
    page: PageRequest,
  ): Promise<Page<ScimRequestRow>>;
  close(): Promise<void>;
}

export interface ScimRequestLogOptions {
  readonly db: Kysely<Database>;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly onError: (error: unknown) => void;
  /** Authenticated requests kept per directory. */
  readonly retain?: number;
  /**
   * Requests without the directory's token kept per directory, apart from the authenticated ones:
   * enough to trace a bad credential, too few to matter when someone who knows the URL floods it.
   */
  readonly retainUnauthenticated?: number;
  readonly flushMs?: number;
}

/**
 * The SCIM request log, written off the request path: entries are buffered and flushed in one
 * transaction every `flushMs`, and each directory is trimmed to its newest `retain` authenticated
 * entries and, separately, its newest `retainUnauthenticated` others: requests without the token
 * never displace those with it. A crash loses at most one flush interval of log lines, never a
 * directory change.
 */
export function createScimRequestLog(options: ScimRequestLogOptions): ScimRequestLog {
  const { db, ids, clock, retain = 1000, retainUnauthenticated = 100, flushMs = 250 } = options;
  let buffer: ScimRequestRow[] = [];
  let flushing: Promise<void> = Promise.resolve();

  async function trim(
    trx: Transaction<Database>,
    directoryId: string,
    authenticated: number,
    keep: number,
  ): Promise<void> {
    const cutoff = await trx
      .selectFrom("scim_requests")
      .select("id")
      .where("directory_id", "=", directoryId)
      .where("authenticated", "=", authenticated)
      .orderBy("id", "desc")
      .offset(keep)
      .limit(1)
      .executeTakeFirst();
    if (cutoff)
      await trx
        .deleteFrom("scim_requests")
        .where("directory_id", "=", directoryId)
        .where("authenticated", "=", authenticated)
        .where("id", "<=", cutoff.id)
        .execute();
  }

  /**
   * The rows of a flush that the trim would keep: at most the newest `retain` authenticated and
   * `retainUnauthenticated` other rows per directory (the buffer is in arrival order). Under load a
   * flush holds more than that, and inserting rows only to delete them in the same transaction
   * was most of the log's cost.
   */
  function survivors(rows: ScimRequestRow[]): ScimRequestRow[] {
    const left = new Map<string, number>();
    const kept: ScimRequestRow[] = [];
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i] as ScimRequestRow;
      const key = `${row.authenticated}:${row.directory_id}`;
      const room = left.get(key) ?? (row.authenticated ? retain : retainUnauthenticated);
      if (room <= 0) continue;
      left.set(key, room - 1);
      kept.push(row);
    }
    return kept.reverse();
  }

  async function write(buffered: ScimRequestRow[]): Promise<void> {
    const rows = survivors(buffered);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto("scim_requests")
          .values(rows.slice(i, i + 200))
          .execute();
      for (const directoryId of new Set(rows.map((r) => r.directory_id))) {
        await trim(trx, directoryId, 1, retain);
        await trim(trx, directoryId, 0, retainUnauthenticated);
      }
    });
  }

  function flush(): Promise<void> {
    flushing = flushing.then(async () => {
      if (buffer.length === 0) return;
      const rows = buffer;
      buffer = [];
      // A directory deleted meanwhile makes the insert fail its foreign key: the lines go with it.
      await write(rows).catch(options.onError);
    });
    return flushing;
  }

  const timer = setInterval(() => void flush(), flushMs);
  timer.unref();

  return {
    record(entry) {
      buffer.push({ id: ids("scimRequest"), created_at: clock.now().toISOString(), ...entry });
    },
    flush,
    async list(directoryId, filter, page) {
      await flush();
      let query = db.selectFrom("scim_requests").selectAll().where("directory_id", "=", directoryId);
      if (filter.status !== undefined) query = query.where("status", "=", filter.status);
      if (filter.errorsOnly) query = query.where("status", ">=", 400);
      return paginate(query, "id", page);
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
