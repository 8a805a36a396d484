import { type AddressInfo, createServer } from "node:net";
import closeWithGrace from "close-with-grace";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../app.js";
import { ensureAdminKey } from "../auth/admin-key.js";
import type { RosterConfig } from "../config.js";
import { systemClock } from "../core/clock.js";
import type { Deps } from "../core/deps.js";
import { createIdGenerator } from "../core/ids.js";
import { createSecretKeyring } from "../crypto/secret-key.js";
import { openStorage, type Storage } from "../storage/connect.js";
import { migrateToLatest } from "../storage/migrate.js";
import { describeDatabase } from "../storage/placement.js";
import { startSyncScheduler } from "../sync/sync-scheduler.js";
import { syncThreadFor } from "../sync/sync-thread-launcher.js";
import { createDeliveryWorker } from "../webhooks/delivery-worker.js";
import { startHousekeeping } from "./housekeeping.js";

/** Time kept back at the end of a shutdown for what must still happen (recording, closing storage). */
const SHUTDOWN_RESERVE_MS = 500;

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly url: string;
  readonly generatedAdminKey: string | null;
  /**
   * Stops in order, within `ROSTER_SHUTDOWN_TIMEOUT_MS`: answers new requests 503 (for `drainMs`,
   * default 0, while still listening), stops listening, lets requests in flight finish, stops this
   * process's sync runs, lets the webhook requests in flight finish and gives back the rest of
   * their runs, closes storage.
   */
  close(options?: { readonly drainMs?: number }): Promise<void>;
}

/** A free loopback port, so PORT=0 still yields a public URL naming the real port. */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => probe.once("error", reject).listen(0, host, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function withConcretePort(config: RosterConfig): Promise<RosterConfig> {
  if (config.port !== 0) return config;
  const port = await freePort(config.host);
  const defaultUrl = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:0`;
  return Object.freeze({
    ...config,
    port,
    publicUrl: config.publicUrl === defaultUrl ? defaultUrl.replace(/:0$/, `:${port}`) : config.publicUrl,
  });
}

/** Opens storage, migrates, makes sure an admin key exists, listens, and runs the webhook delivery worker. */
export async function startServer(
  requested: RosterConfig,
  options: Pick<AppOptions, "connectorKinds"> = {},
): Promise<RunningServer> {
  const config = await withConcretePort(requested);
  const storage = openStorage(config.database);
  await migrateToLatest(storage);
  const { generated } = await ensureAdminKey(storage.db, config.adminKey);
  const deps: Deps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator(), config };
  // One keyring for the routes and the worker: an in-memory database's ephemeral key must be the same for both.
  const secretKeyring = createSecretKeyring({
    secretKey: config.secretKey,
    previousSecretKeys: config.previousSecretKeys,
    database: config.database,
    warn: (message) => app.log.warn(message),
  });
  const app = await buildApp(deps, {
    secretKeyring,
    connectorKinds: options.connectorKinds,
    syncThread: syncThreadFor(config, storage),
    poolStats: storage.poolStats,
  });
  const address = await app.listen({ host: config.host, port: config.port });
  const worker = createDeliveryWorker({
    ...deps,
    keyring: secretKeyring,
    outboundPrivate: config.outboundPrivate,
    log: app.log.child({ component: "webhooks" }),
    eventWrites: storage.eventWrites,
  }).start();

  const scheduler = startSyncScheduler(app.sync, config.sync.schedulerIntervalMs, app.log.child({ component: "sync" }));
  const housekeeping = startHousekeeping(deps, app.log.child({ component: "housekeeping" }));

  return {
    app,
    storage,
    url: address,
    generatedAdminKey: generated,
    async close({ drainMs = 0 } = {}) {
      const deadline = Date.now() + config.timeouts.shutdownMs;
      const left = (reserveMs: number) => Math.max(0, deadline - reserveMs - Date.now());
      app.drain.begin();
      housekeeping.stop();
      scheduler.stop();
      if (drainMs > 0) await new Promise((resolve) => setTimeout(resolve, drainMs));
      // Requests still running when time is nearly up are cut, so the rest of the shutdown still happens.
      const cut = setTimeout(() => app.server.closeAllConnections(), left(SHUTDOWN_RESERVE_MS * 2));
      try {
        // Closing the app also stops this process's sync runs (recorded as cancelled, leases released).
        await app.close();
      } finally {
        clearTimeout(cut);
      }
      // After the HTTP side, before storage: requests in flight finish, or are recorded as interrupted.
      await worker.stop(left(SHUTDOWN_RESERVE_MS));
      await storage.close();
    },
  };
}

/** `roster serve`: starts, prints where it listens (and a new admin key, once), drains on SIGTERM. */
export async function serve(config: RosterConfig, print: (line: string) => void): Promise<RunningServer> {
  const server = await startServer(config);
  print(`Roster listening on ${server.url} (${describeDatabase(config.database)})`);
  print(`Public URL: ${config.publicUrl}`);
  if (server.generatedAdminKey) {
    print("");
    print("A new admin key was generated. It is shown only this once; store it safely:");
    print(`  ${server.generatedAdminKey}`);
    print("");
  }
  closeWithGrace({ delay: config.timeouts.shutdownMs }, async ({ err, signal }) => {
    if (err) server.app.log.error({ err }, "shutting down after an error");
    else server.app.log.info({ signal }, "shutting down");
    await server.close({ drainMs: err ? 0 : config.timeouts.drainMs });
  });
  return server;
}
