/**
 * A full and a delta run of an `okta api` directory against the Okta stand-in with injected
 * latency, on SQLite, through the API and the sync thread as `roster serve` runs them:
 * `tsx bench/okta-sync.ts [users] [groups] [latencyMs]`.
 */
import { startOktaStandin } from "../test/support/okta-standin.js";
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp } from "../test/support/test-app.js";

const [users = 20_000, groups = 200, latencyMs = 50] = process.argv.slice(2).map(Number);
const admin = bearer(ADMIN_KEY);
const okta = await startOktaStandin();
const ids: string[] = [];
for (let i = 0; i < users; i++) ids.push(okta.addUser({ login: `user${i}@bench.test`, firstName: "U", lastName: String(i) }, "ACTIVE", "2026-01-01T00:00:00.000Z").id);
for (let g = 0; g < groups; g++) okta.addGroup(`group${g}`, g === 0 ? ids.slice(0, Math.floor(users / 4)) : ids.slice(g * 50, g * 50 + 50), "OKTA_GROUP", "2026-01-01T00:00:00.000Z");
okta.latencyMs = latencyMs;
const t = await createTestApp("sqlite", { ROSTER_SECRET_KEY: "okta-bench-key-0123456789abcdef" });
const { orgId } = await createOrgWithKey(t.app, "Bench");
const created = await t.app.inject({ method: "POST", url: "/directories", headers: admin, payload: { organization_id: orgId, name: "Okta", type: "okta api", connector: { org_url: okta.orgUrl, token: okta.token } } });
const dirId = created.json().id as string;

async function run(mode: "full" | "delta") {
  const started = performance.now();
  await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload: { mode } });
  await t.app.sync.idle();
  const result = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  return { mode, state: result.state, ms: Math.round(performance.now() - started), counts: result.counts, group_counts: result.group_counts };
}

console.log(JSON.stringify(await run("full")));
// 1 % of the users change, and one group loses a member.
for (let i = 0; i < users / 100; i++) okta.updateUser(ids[i * 100] as string, { profile: { title: "Changed" } });
okta.setMembers([...okta.groups.keys()][1] as string, { remove: [ids[50] as string] });
console.log(JSON.stringify(await run("delta")));
console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
await t.close();
await okta.close();
