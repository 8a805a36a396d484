/**
 * A full and a delta run of an `okta api` directory against the Okta stand-in with injected
 * latency, on SQLite, through the API and the sync thread as `roster serve` runs them:
 * `tsx bench/okta-sync.ts [users] [groups] [latencyMs]`.
 */
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp } from "../test/support/test-app.js";
import { benchOktaOrg, changeOktaOrg } from "./okta-org.js";

const [users = 20_000, groups = 200, latencyMs = 50] = process.argv.slice(2).map(Number);
const admin = bearer(ADMIN_KEY);
const org = await benchOktaOrg(users, groups, latencyMs);
const { okta } = org;
const t = await createTestApp("sqlite", { ROSTER_SECRET_KEY: "okta-bench-key-0123456789abcdef" });
const { orgId } = await createOrgWithKey(t.app, "Bench");
const created = await t.app.inject({
  method: "POST",
  url: "/directories",
  headers: admin,
  payload: {
    organization_id: orgId,
    name: "Okta",
    type: "okta api",
    connector: { org_url: okta.orgUrl, token: okta.token },
  },
});
const dirId = created.json().id as string;

async function run(mode: "full" | "delta") {
  const started = performance.now();
  await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload: { mode } });
  await t.app.sync.idle();
  const result = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  return {
    mode,
    state: result.state,
    ms: Math.round(performance.now() - started),
    counts: result.counts,
    group_counts: result.group_counts,
  };
}

console.log(JSON.stringify(await run("full")));
changeOktaOrg(org);
console.log(JSON.stringify(await run("delta")));
console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
await t.close();
await okta.close();
