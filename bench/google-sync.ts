/**
 * A full and a delta run of a `google workspace` directory against the Google stand-in with
 * injected latency, on SQLite, through the API and the sync thread as `roster serve` runs them:
 * `tsx bench/google-sync.ts [users] [groups] [latencyMs]`.
 */
import { ADMIN_KEY, bearer, createOrgWithKey, createTestApp } from "../test/support/test-app.js";
import { BENCH_ADMIN, benchGoogleOrg } from "./google-org.js";

const [users = 100_000, groups = 1000, latencyMs = 50] = process.argv.slice(2).map(Number);
const admin = bearer(ADMIN_KEY);
const { google, key, ids } = await benchGoogleOrg(users, groups, latencyMs);
const t = await createTestApp("sqlite", { ROSTER_SECRET_KEY: "google-bench-key-0123456789abcdef" });
const { orgId } = await createOrgWithKey(t.app, "Bench");
const connector = { service_account_key: JSON.stringify(key), admin_email: BENCH_ADMIN, api_url: google.baseUrl };
const created = await t.app.inject({
  method: "POST",
  url: "/directories",
  headers: admin,
  payload: { organization_id: orgId, name: "Google", type: "google workspace", connector },
});
const dirId = created.json().id as string;

async function run(mode: "full" | "delta") {
  const requests = google.requests.length;
  const started = performance.now();
  await t.app.inject({ method: "POST", url: `/directories/${dirId}/sync`, headers: admin, payload: { mode } });
  await t.app.sync.idle();
  const result = (await t.app.inject({ method: "GET", url: `/directories/${dirId}/sync`, headers: admin })).json();
  return {
    mode,
    state: result.state,
    ms: Math.round(performance.now() - started),
    requests: google.requests.length - requests,
    counts: result.counts,
    group_counts: result.group_counts,
  };
}

console.log(JSON.stringify(await run("full")));
// 1 % of the users change.
for (let i = 0; i < users / 100; i++)
  google.updateUser(ids[i * 100] as string, { organizations: [{ title: "Changed" }] });
console.log(JSON.stringify(await run("delta")));
console.log(JSON.stringify({ rssMb: Math.round(process.memoryUsage().rss / 1e6) }));
await t.close();
await google.close();
