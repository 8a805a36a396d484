import type { Kysely } from "kysely";
import { Counter, Gauge, type Registry } from "prom-client";
import type { Clock } from "../core/clock.js";
import type { PoolStats } from "../storage/connect.js";
import type { Database } from "../storage/schema.js";

export interface OperationalMetricsDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly poolStats?: (() => PoolStats | null) | undefined;
}

const seconds = (from: string | null | undefined, now: Date) =>
  from ? Math.max(0, (now.getTime() - Date.parse(from)) / 1000) : 0;

/**
 * What an operator alerts on, read from the database at each scrape (so every process answers the
 * same, whichever did the work): webhook backlogs, failures and disabled endpoints, sync runs,
 * how far the outbox is behind, the pool. Each query follows an index: per endpoint through
 * (endpoint_id, state, event_pos), per pull directory through (directory_id, id), events by
 * their primary key and feed position. SCIM traffic is counted in this process, by directory.
 */
export function installOperationalMetrics(
  registry: Registry,
  deps: OperationalMetricsDeps,
): { countScimResponse(directoryId: string, status: number): void } {
  const { db, clock } = deps;
  const registers = [registry];

  // prom-client collects every metric at once: each gauge reads what it shows itself.
  const endpointIds = async () =>
    (await db.selectFrom("webhook_endpoints").select("id").orderBy("id").execute()).map((row) => row.id);
  const countByState = async (endpointId: string, state: "pending" | "failed") =>
    Number(
      (
        await db
          .selectFrom("webhook_deliveries")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("endpoint_id", "=", endpointId)
          .where("state", "=", state)
          .executeTakeFirst()
      )?.n ?? 0,
    );

  new Gauge({
    name: "roster_webhook_backlog",
    help: "Webhook deliveries waiting to be sent, per endpoint",
    labelNames: ["endpoint"],
    registers,
    async collect() {
      this.reset();
      for (const id of await endpointIds()) this.set({ endpoint: id }, await countByState(id, "pending"));
    },
  });

  new Gauge({
    name: "roster_webhook_oldest_pending_seconds",
    help: "Age of the oldest delivery waiting, per endpoint (0 when none waits)",
    labelNames: ["endpoint"],
    registers,
    async collect() {
      this.reset();
      const now = clock.now();
      for (const id of await endpointIds()) {
        const oldest = await db
          .selectFrom("webhook_deliveries")
          .select("created_at")
          .where("endpoint_id", "=", id)
          .where("state", "=", "pending")
          .orderBy("event_pos")
          .limit(1)
          .executeTakeFirst();
        this.set({ endpoint: id }, seconds(oldest?.created_at, now));
      }
    },
  });

  new Gauge({
    name: "roster_webhook_deliveries_failed",
    help: "Deliveries that gave up (kept for the history window), per endpoint",
    labelNames: ["endpoint"],
    registers,
    async collect() {
      this.reset();
      for (const id of await endpointIds()) this.set({ endpoint: id }, await countByState(id, "failed"));
    },
  });

  new Gauge({
    name: "roster_webhook_endpoints_disabled",
    help: "Webhook endpoints disabled (through the API, or after failing for the whole retry window)",
    registers,
    async collect() {
      const row = await db
        .selectFrom("webhook_endpoints")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("enabled", "=", 0)
        .executeTakeFirst();
      this.set(Number(row?.n ?? 0));
    },
  });

  new Gauge({
    name: "roster_outbox_lag_seconds",
    help: "Age of the oldest event not yet turned into deliveries for every enabled endpoint (0 when none waits)",
    registers,
    async collect() {
      const lowest = await db
        .selectFrom("webhook_endpoints")
        .select((eb) => eb.fn.min("cursor_pos").as("pos"))
        .where("enabled", "=", 1)
        .executeTakeFirst();
      const next =
        lowest?.pos == null
          ? undefined
          : await db
              .selectFrom("events")
              .select("created_at")
              .where("feed_pos", ">", lowest.pos)
              .orderBy("feed_pos")
              .limit(1)
              .executeTakeFirst();
      this.set(seconds(next?.created_at, clock.now()));
    },
  });

  new Gauge({
    name: "roster_events_written",
    help: "Events written so far (the newest event's sequence number; use rate() for events per second)",
    registers,
    async collect() {
      const row = await db
        .selectFrom("events")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      this.set(Number(row?.seq ?? 0));
    },
  });

  const newestRuns = async () => {
    const directories = await db
      .selectFrom("directories")
      .select("id")
      .where("connector", "is not", null)
      .where("deleted_at", "is", null)
      .orderBy("id")
      .execute();
    const runs = [];
    for (const { id } of directories) {
      const run = await db
        .selectFrom("sync_runs")
        .select(["state", "started_at", "finished_at"])
        .where("directory_id", "=", id)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (run) runs.push({ directory: id, ...run });
    }
    return runs;
  };

  new Gauge({
    name: "roster_sync_last_run",
    help: "Each pull directory's newest sync run: 1 for its state (running, succeeded, failed, needs_confirmation, cancelled)",
    labelNames: ["directory", "state"],
    registers,
    async collect() {
      this.reset();
      for (const run of await newestRuns()) this.set({ directory: run.directory, state: run.state }, 1);
    },
  });

  new Gauge({
    name: "roster_sync_last_run_duration_seconds",
    help: "How long each pull directory's newest run took (or has been running)",
    labelNames: ["directory"],
    registers,
    async collect() {
      this.reset();
      const now = clock.now();
      for (const run of await newestRuns())
        this.set(
          { directory: run.directory },
          seconds(run.started_at, run.finished_at ? new Date(run.finished_at) : now),
        );
    },
  });

  if (deps.poolStats?.()) {
    const pool = deps.poolStats;
    new Gauge({
      name: "roster_db_pool_connections",
      help: "Database pool connections of this process, by state (total, idle, waiting: requests queued for a connection)",
      labelNames: ["state"],
      registers,
      collect() {
        const stats = pool();
        if (!stats) return;
        this.set({ state: "total" }, stats.total);
        this.set({ state: "idle" }, stats.idle);
        this.set({ state: "waiting" }, stats.waiting);
      },
    });
  }

  const scimResponses = new Counter({
    name: "roster_scim_requests_total",
    help: "SCIM requests answered by this process, by directory and status class",
    labelNames: ["directory", "class"],
    registers,
  });
  return {
    countScimResponse(directoryId, status) {
      scimResponses.inc({ directory: directoryId, class: `${Math.floor(status / 100)}xx` });
    },
  };
}
