import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../../src/app.js";
import { ensureAdminKey } from "../../src/auth/admin-key.js";
import { loadConfig, type RosterConfig } from "../../src/config.js";
import type { Clock } from "../../src/core/clock.js";
import type { Deps } from "../../src/core/deps.js";
import { createIdGenerator } from "../../src/core/ids.js";
import { openStorage, type Storage } from "../../src/storage/connect.js";
import { migrateToLatest } from "../../src/storage/migrate.js";
import { syncThreadFor } from "../../src/sync/sync-thread-launcher.js";
import { createTestDatabase, type Dialect } from "./databases.js";

export const ADMIN_KEY = "roster_admin_test_0123456789abcdefghijklmnopqrstuvwxyzABCD";

/** A clock tests can move. */
export class TestClock implements Clock {
  #now: number;
  constructor(start = Date.parse("2026-01-01T00:00:00.000Z")) {
    this.#now = start;
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly deps: Deps;
  readonly clock: TestClock;
  readonly config: RosterConfig;
  close(): Promise<void>;
}

/**
 * A whole Roster app on a fresh database of `dialect`, driven with `inject` (no sockets). Its receivers and
 * stand-ins listen on loopback, so private addresses are allowed unless `env` sets `ROSTER_OUTBOUND_PRIVATE`.
 */
export async function createTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: AppOptions = { logger: false },
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const config = {
    ...loadConfig({
      ROSTER_PUBLIC_URL: "http://roster.test",
      ROSTER_ADMIN_KEY: ADMIN_KEY,
      ROSTER_OUTBOUND_PRIVATE: "all",
      ...env,
    }),
    database: database.config,
  };
  const storage = openStorage(database.config);
  await migrateToLatest(storage);
  await ensureAdminKey(storage.db, ADMIN_KEY);
  const clock = new TestClock();
  const deps: Deps = {
    db: storage.db,
    caps: storage.caps,
    clock,
    ids: createIdGenerator(() => clock.now().getTime()),
    config,
  };
  // Sync runs get threads of their own as in `roster serve` (unless the test brings its own connector kinds).
  const app = await buildApp(deps, {
    syncThread: syncThreadFor(config, storage),
    poolStats: storage.poolStats,
    ...options,
  });
  return {
    app,
    storage,
    deps,
    clock,
    config,
    async close() {
      await app.close();
      await storage.close();
      await database.drop();
    },
  };
}

export function bearer(key: string): { authorization: string } {
  return { authorization: `Bearer ${key}` };
}

/** Creates an organization and one API key for it through the API; returns both. */
export async function createOrgWithKey(
  app: FastifyInstance,
  name: string,
): Promise<{ orgId: string; key: string; keyId: string }> {
  const org = await app.inject({
    method: "POST",
    url: "/organizations",
    headers: bearer(ADMIN_KEY),
    payload: { name },
  });
  if (org.statusCode !== 201) throw new Error(`org create failed: ${org.body}`);
  const orgId = org.json().id as string;
  const key = await app.inject({
    method: "POST",
    url: `/organizations/${orgId}/api_keys`,
    headers: bearer(ADMIN_KEY),
    payload: { name: "test" },
  });
  if (key.statusCode !== 201) throw new Error(`key create failed: ${key.body}`);
  return { orgId, key: key.json().key as string, keyId: key.json().id as string };
}
