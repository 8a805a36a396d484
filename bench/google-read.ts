/**
 * How fast the google workspace source reads an account through the Google stand-in with
 * injected latency per request (the read alone, no database):
 * `tsx bench/google-read.ts [users] [groups] [latencyMs]`.
 */
import { createGoogleSource } from "../src/connectors/google/index.js";
import { BENCH_ADMIN, benchGoogleOrg } from "./google-org.js";

const [users = 100_000, groups = 1000, latencyMs = 50] = process.argv.slice(2).map(Number);
const { google, key } = await benchGoogleOrg(users, groups, latencyMs);
const source = createGoogleSource({
  service_account_key: JSON.stringify(key),
  admin_email: BENCH_ADMIN,
  api_url: google.baseUrl,
});
const signal = AbortSignal.timeout(900_000);
let started = performance.now();
let read = 0;
for await (const item of source.users({ signal })) if (item.kind === "record") read++;
const usersMs = performance.now() - started;
const before = google.requests.length;
started = performance.now();
let members = 0;
for await (const item of source.groups({ signal }))
  if (item.kind === "record") members += item.record.memberIdpIds.length;
const groupsMs = performance.now() - started;
console.log(
  JSON.stringify({
    users: read,
    usersMs: Math.round(usersMs),
    groups,
    members,
    groupsMs: Math.round(groupsMs),
    groupRequests: google.requests.length - before,
    latencyMs,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  }),
);
await google.close();
