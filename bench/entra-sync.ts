/**
 * A full and a delta run of an `entra id` directory against the Entra stand-in with injected
 * latency, on SQLite, through the API and the sync thread as `roster serve` runs them:
 * `tsx bench/entra-sync.ts [users] [groups] [latencyMs]` (defaults 100,000, 1,000, 50). The
 * largest group has a fifth of the users (20,000 of 100,000); the others 80 each.
 */
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp } from "../test/support/test-app.js";
import { benchEntraTenant, changeEntraTenant } from "./entra-tenant.js";

const [users = 100_000, groups = 1_000, latencyMs = 50] = process.argv.slice(2).map(Number);
const admin = bearer(ADMIN_KEY);
const tenant = await benchEntraTenant(users, groups, latencyMs);
const { entra } = tenant;
const t = await createTestApp("sqlite", { ROSTER_SECRET_KEY: "entra-bench-key-0123456789abcdef" });
const { orgId } = await createOrgWithKey(t.app, "Bench");
const created = await t.app.inject({
  method: "POST",
  url: "/directories",
  headers: admin,
  payload: { organization_id: orgId, name: "Entra", type: "entra id", connector: entra.connector },
});
const dirId = created.json().id as string;

async function run(mode: "full" | "delta") {
  const requests = entra.requests.length;
  const started = performance.now();
  await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload: { mode } });
  await t.app.sync.idle();
  const result = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  return {
    mode,
    state: result.state,
    ms: Math.round(performance.now() - started),
    graphRequests: entra.requests.length - requests,
    counts: result.counts,
    group_counts: result.group_counts,
    failure: result.failure ?? undefined,
  };
}

console.log(JSON.stringify(await run("full")));
changeEntraTenant(tenant);
console.log(JSON.stringify(await run("delta")));
console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
await t.close();
await entra.close();
