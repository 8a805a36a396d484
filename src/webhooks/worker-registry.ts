import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock } from "../core/clock.js";
import { type ProcessIdentity, pidExists, processIsGone, THIS_PROCESS } from "../core/process-identity.js";
import type { Database, WebhookWorkersTable } from "../storage/schema.js";

export interface WorkerRegistryDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** Where this process runs, and how to tell whether another process of the same host still does. */
export interface ProcessHere extends ProcessIdentity {
  isAlive(pid: number): boolean;
}

export interface WorkerRegistryOptions {
  /** A worker not heard from for this long is gone, wherever it ran (default 10 s). */
  readonly staleMs?: number;
  readonly here?: ProcessHere;
}

export const thisProcess: ProcessHere = Object.freeze({ ...THIS_PROCESS, isAlive: pidExists });

/**
 * Whether a registered worker is gone. On this host the process table says so at once: its pid is
 * no longer there, or it is ours but the process started at another time (a restarted container
 * gets the same pid and host name: the row is a former life's). Elsewhere only silence says so,
 * once its heartbeat is `staleMs` old.
 */
function isGone(row: WebhookWorkersTable, here: ProcessHere, staleBefore: string): boolean {
  if (row.heartbeat_at < staleBefore) return true;
  return processIsGone(
    { host: row.hostname, pidNamespace: row.pid_namespace, pid: row.pid, boot: row.started_at },
    here,
    here.isAlive,
  );
}

/**
 * This process's delivery worker as the others see it: a row with a heartbeat, named by every
 * lease it takes. A worker killed mid-run (kill -9, a crash, a lost host) leaves its leases behind;
 * without this they would hold its endpoints' queues until they ran out (60 s), and then be sent
 * again whole. A restarted process, or any other worker, takes them back as soon as it sees their
 * owner gone.
 */
export function createWorkerRegistry(deps: WorkerRegistryDeps, options: WorkerRegistryOptions = {}) {
  const { db, clock } = deps;
  const staleMs = options.staleMs ?? 10_000;
  const here = options.here ?? thisProcess;
  const id = randomUUID();

  async function insert(now: string): Promise<void> {
    await db
      .insertInto("webhook_workers")
      .values({
        id,
        hostname: here.host,
        pid_namespace: here.pidNamespace,
        pid: here.pid,
        started_at: here.boot,
        heartbeat_at: now,
      })
      .execute();
  }

  return {
    id,

    async register(): Promise<void> {
      await insert(clock.now().toISOString());
    },

    /** Says this worker still runs; registers again if another took it for gone (a long stall). */
    async heartbeat(): Promise<void> {
      const now = clock.now().toISOString();
      const updated = await db
        .updateTable("webhook_workers")
        .set({ heartbeat_at: now })
        .where("id", "=", id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) await insert(now);
    },

    /**
     * Gives back the leases of every worker that is gone, due at once, and forgets those workers;
     * returns how many deliveries were given back. What such a worker was sending when it died
     * was not recorded, so it goes out again: the only duplicates a crash causes.
     */
    async reclaim(): Promise<number> {
      const staleBefore = new Date(clock.now().getTime() - staleMs).toISOString();
      const others = await db.selectFrom("webhook_workers").selectAll().where("id", "!=", id).execute();
      const gone = others.filter((row) => isGone(row, here, staleBefore)).map((row) => row.id);
      if (gone.length === 0) return 0;
      return db.transaction().execute(async (trx) => {
        const released = await trx
          .updateTable("webhook_deliveries")
          .set({ locked_until: null, claim_token: null, claim_owner: null })
          .where("claim_owner", "in", gone)
          .where("state", "=", "pending")
          .executeTakeFirst();
        await trx.deleteFrom("webhook_workers").where("id", "in", gone).execute();
        return Number(released.numUpdatedRows);
      });
    },

    /** A clean stop: the worker has given its leases back already. */
    async unregister(): Promise<void> {
      await db.deleteFrom("webhook_workers").where("id", "=", id).execute();
    },
  };
}

export type WorkerRegistry = ReturnType<typeof createWorkerRegistry>;
