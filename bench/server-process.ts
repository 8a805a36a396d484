import Fastify from "fastify";
import { buildApp } from "../src/app.js";
import { ensureAdminKey } from "../src/auth/admin-key.js";
import { loadConfig } from "../src/config.js";
import { systemClock } from "../src/core/clock.js";
import type { Deps } from "../src/core/deps.js";
import { createIdGenerator } from "../src/core/ids.js";
import { openStorage } from "../src/storage/connect.js";
import { migrateToLatest } from "../src/storage/migrate.js";
import { createDirectoryService } from "../src/tenancy/directories.js";
import { createOrganizationService } from "../src/tenancy/organizations.js";
import { createTestDatabase, type Dialect } from "../test/support/databases.js";
import { seedDirectory } from "./seed.js";

/** What the server process tells the load generator once it listens. */
export interface BenchTarget {
  readonly url: string;
  readonly bareUrl: string;
  readonly token: string;
  readonly base: string;
  readonly userIds: string[];
  readonly groupId: string;
  readonly seedSeconds: number;
}

// Runs in its own process so the load generator never shares the server's event loop.
const dialect = process.argv[2] as Dialect;
const users = Number(process.argv[3]);
const database = await createTestDatabase(dialect);
const config = { ...loadConfig({ LOG_LEVEL: "silent", ROSTER_RATE_LIMIT_SCIM: "100000000", ROSTER_RATE_LIMIT_API: "100000000" }), database: database.config };
const storage = openStorage(database.config);
await migrateToLatest(storage);
await ensureAdminKey(storage.db, undefined);
const deps: Deps = { db: storage.db, caps: storage.caps, clock: systemClock, ids: createIdGenerator(), config };
const org = await createOrganizationService(deps).create({ name: "Bench" });
const dir = await createDirectoryService(deps).create({ organization_id: org.id, name: "Bench", type: "generic scim v2.0" }, null);
const started = Date.now();
const { userIds, groupId } = await seedDirectory(storage.db, dir.id, org.id, users);
const seedSeconds = (Date.now() - started) / 1000;

const app = await buildApp(deps, { logger: false });
const url = await app.listen({ host: "127.0.0.1", port: 0 });
const bare = Fastify();
bare.get("/bare", async () => ({ ok: true }));
const bareUrl = await bare.listen({ host: "127.0.0.1", port: 0 });

const target: BenchTarget = { url, bareUrl, token: dir.scim?.token ?? "", base: `/scim/v2/${dir.id}`, userIds: userIds.slice(0, 20_000), groupId, seedSeconds };
process.send?.({ type: "ready", target });
process.on("message", async (message: { type?: string }) => {
  if (message.type !== "stop") return;
  await app.close();
  await bare.close();
  await storage.close();
  await database.drop();
  process.exit(0);
});
