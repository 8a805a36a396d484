import type { Writable } from "node:stream";
import pg from "pg";

/** Sends reads on connections of their own. */
export interface ReadPipeline {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
  close(): Promise<void>;
}

/** One connection of the pipeline: opened on first use, again after it fails. */
interface Lane {
  ready: pg.Client | undefined;
  opening: Promise<pg.Client> | undefined;
  /** Reads sent and not yet answered. */
  inFlight: number;
}

/**
 * A few connections in pg's pipeline mode for the reads that skip Kysely (postgres-immediate-reads.ts),
 * instead of a pool checkout, a write and a backend wake-up for each read. The reads asked in one
 * turn of the event loop (the requests of every socket that was readable) go to the least busy
 * connection, written without waiting for the ones before to be answered: the first at once when
 * that backend is idle (holding it would leave the backend idle while the turn's other requests
 * are parsed), the rest together at the turn's check phase, in one system call that wakes the
 * backend once for all of them.
 * Each read still has its own Sync, so each is its own implicit transaction and an error fails
 * that read alone. A connection that fails (a restart, a dropped socket) fails the reads in
 * flight on it, as a pooled one would; the next read on its lane opens another.
 */
export function postgresReadPipeline(config: pg.ClientConfig, lanes = 2): ReadPipeline {
  const all = new Set<pg.Client>();
  const lanesOf: Lane[] = Array.from({ length: lanes }, () => ({ ready: undefined, opening: undefined, inFlight: 0 }));
  let closed = false;

  function open(lane: Lane): Promise<pg.Client> {
    if (lane.opening) return lane.opening;
    const client = new pg.Client({ ...config, pipeline: true });
    all.add(client);
    const forget = () => {
      all.delete(client);
      if (lane.ready === client) lane.ready = undefined;
      if (lane.opening === opening) lane.opening = undefined;
    };
    // Unheard, a dropped connection's error would end the process; the reads in flight fail with it.
    client.on("error", forget);
    client.on("end", forget);
    const opening: Promise<pg.Client> = client.connect().then(
      () => {
        if (all.has(client)) lane.ready = client;
        return client;
      },
      (error: unknown) => {
        forget();
        throw error;
      },
    );
    lane.opening = opening;
    return opening;
  }

  // The lane this turn's reads go to, its socket corked until the check phase once one read is out.
  let turn: { lane: Lane; corked: Writable | undefined } | undefined;
  const endTurn = () => {
    turn?.corked?.uncork();
    turn = undefined;
  };

  function send(lane: Lane, query: pg.QueryConfig): Promise<pg.QueryResult> {
    lane.inFlight++;
    const result = lane.ready ? lane.ready.query(query) : open(lane).then((client) => client.query(query));
    const answered = () => {
      lane.inFlight--;
    };
    result.then(answered, answered);
    return result;
  }

  return {
    query(query) {
      if (closed) return Promise.reject(new Error("the read pipeline is closed"));
      if (!turn) {
        // The least busy lane; an idle backend gets the turn's first read at once.
        const lane = lanesOf.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
        turn = { lane, corked: undefined };
        setImmediate(endTurn);
        if (lane.inFlight === 0) return send(lane, query);
      }
      const { lane } = turn;
      if (!turn.corked && lane.ready) {
        // pg's client keeps its socket as `connection.stream` (not a documented property: pg corks
        // it itself around each query's messages). Should a pg release move it, reads go out one by one.
        const stream = (lane.ready as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
        if (typeof stream?.cork === "function" && typeof stream.uncork === "function") {
          turn.corked = stream as Writable;
          turn.corked.cork();
        }
      }
      return send(lane, query);
    },
    async close() {
      closed = true;
      await Promise.allSettled([...all].map((client) => client.end()));
    },
  };
}
