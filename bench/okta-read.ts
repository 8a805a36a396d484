/**
 * How fast the okta api source reads an org through the Okta stand-in with injected latency per
 * request (the read alone, no database): `tsx bench/okta-read.ts [users] [groups] [latencyMs]`.
 */
import { createOktaSource } from "../src/connectors/okta/index.js";
import { startOktaStandin } from "../test/support/okta-standin.js";

const [users = 20_000, groups = 200, latencyMs = 50] = process.argv.slice(2).map(Number);
const okta = await startOktaStandin();
const ids: string[] = [];
for (let i = 0; i < users; i++)
  ids.push(
    okta.addUser(
      { login: `user${i}@bench.test`, firstName: "U", lastName: String(i) },
      "ACTIVE",
      "2026-01-01T00:00:00.000Z",
    ).id,
  );
// One large group (a quarter of everyone), the rest of 50 members each.
for (let g = 0; g < groups; g++)
  okta.addGroup(
    `group${g}`,
    g === 0 ? ids.slice(0, Math.floor(users / 4)) : ids.slice(g * 50, g * 50 + 50),
    "OKTA_GROUP",
    "2026-01-01T00:00:00.000Z",
  );
okta.latencyMs = latencyMs;
const source = createOktaSource({ org_url: okta.orgUrl, token: okta.token });
const signal = AbortSignal.timeout(600_000);
let started = performance.now();
let read = 0;
for await (const item of source.users({ signal })) if (item.kind === "record") read++;
const usersMs = performance.now() - started;
const before = okta.requests.length;
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
    groupRequests: okta.requests.length - before,
    latencyMs,
    rssMb: Math.round(process.memoryUsage().rss / 1e6),
  }),
);
await okta.close();
