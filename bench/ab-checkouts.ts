import type { ChildProcess } from "node:child_process";
import { cpuBetween, databaseCpu } from "./database-cpu.js";
import { measure } from "./measure.js";
import { withServerCpu, withServerProcess } from "./scim-bench.js";
import type { BenchTarget } from "./server-process.js";

/**
 * A/B of two checkouts on one SCIM read: `npx tsx bench/ab-checkouts.ts <checkout A> <checkout B>`.
 * Each checkout's `bench/server-process.ts` runs seeded alike, and autocannon loads them in
 * alternating windows, one at a time, so a change in the machine's load falls on both; what to
 * compare is the server's CPU time per request. AB_DIALECT (sqlite), AB_USERS (20000), AB_ROUNDS
 * (6), AB_SECONDS (2), AB_PATH: `id` (GET /Users/{id}), `id-excl` (the same with
 * excludedAttributes=groups), `filter` (userName eq) or `post` (POST /Users, each a new user with
 * a name and one email, as the Polis side by side creates them). On PostgreSQL it also gives the
 * CPU time the database's backends spent per request (from /proc: the database runs on this machine).
 */
const [rootA, rootB] = process.argv.slice(2);
if (!rootA || !rootB) throw new Error("usage: bench/ab-checkouts.ts <checkout A> <checkout B>");
const users = Number(process.env.AB_USERS ?? 20_000);
const rounds = Number(process.env.AB_ROUNDS ?? 6);
const seconds = Number(process.env.AB_SECONDS ?? 2);
const dialect = process.env.AB_DIALECT ?? "sqlite";
const path = process.env.AB_PATH ?? "id";

interface Side {
  readonly name: string;
  readonly t: BenchTarget;
  readonly child: ChildProcess;
  requests: number;
  cpuMicros: number;
  databaseMicros: number;
  readonly rates: number[];
}

/** Each create needs a userName no other create used, on either side. */
let created = 0;

function load(side: Side, windowSeconds: number) {
  const { t } = side;
  const headers = { authorization: `Bearer ${t.token}` };
  if (path === "post") {
    const body = (n: number) =>
      JSON.stringify({
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        userName: `ab-${n}@bench.example`,
        name: { givenName: "Bench", familyName: `User ${n}` },
        emails: [{ value: `ab-${n}@bench.example`, type: "work", primary: true }],
        active: true,
      });
    return measure({
      name: path,
      url: t.url,
      method: "POST",
      headers: { ...headers, "content-type": "application/scim+json" },
      seconds: windowSeconds,
      next: () => ({ path: `${t.base}/Users`, body: body(created++) }),
    });
  }
  const pick = () => t.userIds[Math.floor(Math.random() * t.userIds.length)] ?? "";
  const filter = () =>
    `userName eq "user-${Math.floor(Math.random() * Math.min(users, t.userIds.length))}@bench.example"`;
  const next = () => ({
    path:
      path === "filter"
        ? `${t.base}/Users?filter=${encodeURIComponent(filter())}`
        : `${t.base}/Users/${pick()}${path === "id-excl" ? "?excludedAttributes=groups" : ""}`,
  });
  return measure({ name: path, url: t.url, headers, seconds: windowSeconds, next });
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);

await withServerProcess(`${rootA}/bench/server-process.ts`, [dialect, String(users)], (tA, childA) =>
  withServerProcess(`${rootB}/bench/server-process.ts`, [dialect, String(users)], async (tB, childB) => {
    const sides: Side[] = [
      { name: "A", t: tA, child: childA, requests: 0, cpuMicros: 0, databaseMicros: 0, rates: [] },
      { name: "B", t: tB, child: childB, requests: 0, cpuMicros: 0, databaseMicros: 0, rates: [] },
    ];
    // An unmeasured second each first: lazily compiled schemas and the JIT's warm-up.
    for (const side of sides) await load(side, 1);
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const backends = side.t.database ? await databaseCpu(side.t.database) : undefined;
        const before = await backends?.read();
        const { figure, cpu } = await withServerCpu(side.child, "ab", () => load(side, seconds));
        const after = await backends?.read();
        await backends?.close();
        side.requests += figure.requests;
        side.cpuMicros += cpu.cpuMicros;
        if (before && after) side.databaseMicros += cpuBetween(before, after);
        side.rates.push(figure.requestsPerSecond);
      }
    }
    for (const side of sides) {
      const database = side.databaseMicros ? `, database ${(side.databaseMicros / side.requests).toFixed(1)} µs` : "";
      console.log(
        `${side.name} ${dialect} ${path}: ${(side.cpuMicros / side.requests).toFixed(1)} µs CPU/req${database}, req/s ${side.rates.join(" ")} (mean ${Math.round(mean(side.rates))})`,
      );
    }
    const [a, b] = sides as [Side, Side];
    console.log(
      `B ÷ A req/s ${(mean(b.rates) / mean(a.rates)).toFixed(3)}; A ÷ B CPU per request ${(a.cpuMicros / a.requests / (b.cpuMicros / b.requests)).toFixed(3)}${a.databaseMicros ? `, with the database's ${((a.cpuMicros + a.databaseMicros) / a.requests / ((b.cpuMicros + b.databaseMicros) / b.requests)).toFixed(3)}` : ""}`,
    );
  }),
);
