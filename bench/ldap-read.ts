import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { parseLdapConfig } from "../src/connectors/ldap/ldap-config.js";
import { createLdapSource } from "../src/connectors/ldap/ldap-source.js";
import type { DirectoryShape } from "../test/support/directory-ldif.js";
import { slapdConnector, startSlapd } from "../test/support/slapd.js";

/**
 * How fast the LDAP source reads a large directory from a local slapd, and in how much memory.
 * `npx tsx bench/ldap-read.ts [users] [groups] [membersPerGroup] [pageSize]`; defaults 100,000
 * users and 1,000 groups of 200 (a third posixGroup, every 10th nesting its neighbour).
 * The consumer only counts, as the sync engine would hand each record on and drop it.
 */
const [users = 100_000, groups = 1_000, membersPerGroup = 200, pageSize = 500] = process.argv.slice(2).map(Number);
const shape: DirectoryShape = { users, groups, membersPerGroup, nestEvery: 10 };
const print = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);

let slapdPid = -1;
/** CPU seconds slapd has used (Linux /proc; clock ticks are 1/100 s there). */
function slapdCpu(): number {
  try {
    const fields = readFileSync(`/proc/${slapdPid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

// CPU times next to wall time: on a shared machine the wall clock says more about the neighbours.
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const slapdBefore = slapdCpu();
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const nodeCpu = (used.user + used.system) / 1e6;
  const slapd = slapdCpu() - slapdBefore;
  print(
    `${name.padEnd(32)}${seconds.toFixed(2).padStart(7)} s wall${nodeCpu.toFixed(2).padStart(7)} s node CPU${Number.isNaN(slapd) ? "      —" : slapd.toFixed(2).padStart(7)} s slapd CPU   peak RSS ${mb(Math.max(peakRss, process.memoryUsage().rss)).padStart(7)} (from ${mb(rssBefore)})`,
  );
  return result;
}

print(
  `LDAP read: ${users} users, ${groups} groups of ${membersPerGroup} (nesting every 10th), page size ${pageSize}, slapd on loopback`,
);
const server = await timed("generate LDIF + slapadd + start", () => startSlapd({ directory: shape }));
slapdPid = server.pid;
try {
  const parsed = parseLdapConfig(slapdConnector(server, { page_size: pageSize, timeout_ms: 60_000 }));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const source = createLdapSource(parsed.value);
  const signal = AbortSignal.timeout(600_000);
  try {
    await source.check(signal);
    const read = await timed("users (full read)", async () => {
      let records = 0;
      let invalid = 0;
      for await (const item of source.users({ signal })) {
        if (item.kind === "record") records += 1;
        else invalid += 1;
      }
      return { records, invalid };
    });
    print(`  ${read.records} users, ${read.invalid} invalid`);
    const grouped = await timed("groups (resolve + flatten)", async () => {
      let count = 0;
      let memberships = 0;
      for await (const item of source.groups({ signal })) {
        if (item.kind === "record") {
          count += 1;
          memberships += item.record.memberIdpIds.length;
        }
      }
      return { count, memberships };
    });
    print(`  ${grouped.count} groups, ${grouped.memberships} flattened memberships`);
    const watermark = await source.watermark(signal);
    const delta = await timed("users (delta, nothing changed)", async () => {
      let n = 0;
      for await (const _ of source.users({ signal, changedSince: watermark ?? undefined })) n += 1;
      return n;
    });
    print(`  ${delta} changed users`);
  } finally {
    await source.close();
  }
} finally {
  await server.stop();
  clearInterval(sampler);
}
print(`process max RSS over the whole run: ${mb(process.resourceUsage().maxRSS * 1024)}`);
