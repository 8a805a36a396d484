import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Storage, StorageOptions } from "../connect.js";
import { watchEventWrites } from "../event-writes.js";
import { offerImmediateReads } from "../immediate-reads.js";
import type { Database } from "../schema.js";
import { EVENTS_CHANNEL, POSTGRES_CAPABILITIES } from "./postgres-capabilities.js";
import { pgOtherProcesses } from "./postgres-event-channel.js";
import { postgresImmediateReads } from "./postgres-immediate-reads.js";
import { statementNames, withNamedStatements } from "./postgres-named-statements.js";
import { postgresReadPipeline } from "./postgres-read-pipeline.js";

/** A background thread runs one chain of statements at a time (plus its lease renewal). */
const BACKGROUND_PG_POOL = 3;
/** Connections of the reads that skip Kysely (postgres-read-pipeline.ts): a serving process's, a background thread's. */
const READ_LANES = 2;
const BACKGROUND_READ_LANES = 1;

const PG_INT8 = 20;

/** A pg pool behind Kysely, its statements named, its event commits told to the other processes (`LISTEN`/`NOTIFY`). */
export function openPostgres(url: string, options: StorageOptions): Storage {
  const connection: pg.ClientConfig = {
    connectionString: url,
    // int8 (the events sequence, counts) as JS numbers: they stay far below 2^53.
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === PG_INT8 ? Number : pg.types.getTypeParser(oid, format),
    } as pg.CustomTypesConfig,
  };
  const pool = new pg.Pool({ ...connection, max: options.background ? BACKGROUND_PG_POOL : 10 });
  // An idle client whose server connection ends (restart, failover, a forced drop) emits an error;
  // unhandled it would crash the process. The pool replaces it on the next checkout.
  pool.on("error", () => {});
  // The pool listens only to idle clients: one checked out (inside a transaction, or between a
  // query and its release) whose connection drops would emit an error nobody hears, which ends
  // the process. The query in flight still fails with it, and the pool discards the client.
  pool.on("connect", (client) => client.on("error", () => {}));
  // A background thread's commits are told to its process, which tells the others.
  const otherProcesses = options.background ? undefined : pgOtherProcesses(url, pool, EVENTS_CHANNEL);
  const nameOf = statementNames();
  const { dialect, eventWrites } = watchEventWrites(
    new PostgresDialect({ pool: withNamedStatements(pool, nameOf) }),
    otherProcesses,
  );
  const db = new Kysely<Database>({ dialect });
  const reads = postgresReadPipeline(connection, options.background ? BACKGROUND_READ_LANES : READ_LANES);
  offerImmediateReads(db, postgresImmediateReads(reads, nameOf));
  return {
    db,
    sharing: {},
    caps: POSTGRES_CAPABILITIES,
    eventWrites,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await eventWrites.close();
      await reads.close();
      await db.destroy();
    },
  };
}
