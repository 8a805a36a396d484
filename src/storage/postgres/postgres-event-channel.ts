import pg from "pg";
import type { OtherProcesses } from "../event-writes.js";

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;
/** Commits within this long of one another are told to other processes with one notification. */
const TELL_COALESCE_MS = 5;

export interface EventListener {
  close(): Promise<void>;
}

/**
 * Other processes on the same PostgreSQL database, through `channel`: this process notifies it
 * after its commits that wrote events (on a pooled connection, at most once per few ms), and
 * listens on it while a delivery worker wants to hear (`listenOnChannel`).
 *
 * The notification is sent after the commit, not from inside the writing transaction (a trigger
 * on `events`): PostgreSQL serializes the commits of all transactions that notified on one
 * database-wide lock, which would put every SCIM write's commit in a single line.
 */
export function pgOtherProcesses(url: string, pool: pg.Pool, channel: string): OtherProcesses {
  let pending: NodeJS.Timeout | undefined;
  return {
    listen: (onEvent) => listenOnChannel(url, channel, onEvent),
    tell() {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        // A lost notification only costs the other workers a poll interval.
        pool.query("select pg_notify($1, '')", [channel]).catch(() => {});
      }, TELL_COALESCE_MS);
      pending.unref();
    },
    close() {
      clearTimeout(pending);
      pending = undefined;
    },
  };
}

/**
 * `LISTEN`s on `channel` on a connection of its own and calls `onEvent` with each notification's
 * payload, and once with null each time it (re)starts listening, for what was committed while it
 * was not. A lost
 * connection is opened again, waiting longer each time; meanwhile the caller's own poll still
 * finds every event (a pooler in transaction mode, which cannot LISTEN, only means polling).
 */
export function listenOnChannel(
  url: string,
  channel: string,
  onEvent: (payload: string | null) => void,
): EventListener {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = FIRST_RETRY_MS;

  function again(): void {
    if (closed) return;
    retry = setTimeout(() => void connect(), delay);
    retry.unref();
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  }

  async function connect(): Promise<void> {
    const candidate = new pg.Client({ connectionString: url });
    candidate.on("notification", (message) => onEvent(message.payload ?? ""));
    // An error is followed by `end`, which starts over.
    candidate.on("error", () => {});
    candidate.on("end", () => {
      if (client !== candidate) return;
      client = null;
      again();
    });
    try {
      await candidate.connect();
      await candidate.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch {
      await candidate.end().catch(() => {});
      again();
      return;
    }
    if (closed) {
      await candidate.end().catch(() => {});
      return;
    }
    client = candidate;
    delay = FIRST_RETRY_MS;
    onEvent(null);
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => {});
    },
  };
}
