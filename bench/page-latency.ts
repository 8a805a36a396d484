import type { Dialect } from "../test/support/databases.js";
import { withBenchServer } from "./scim-bench.js";

/**
 * `npx tsx bench/page-latency.ts [users] [dialect]`: one client, one request at a time, a page of
 * 100 users from a directory of `users` (default 1,000,000): the first page, a page at a random
 * startIndex, pages walked by startIndex (from half-way) and pages walked by RFC 9865 cursor.
 * Latency as the client sees it, p50 and p99.
 */
const users = Number(process.argv[2] ?? 1_000_000);
const dialect = (process.argv[3] ?? "sqlite") as Dialect;
const ROUNDS = Number(process.env.BENCH_PAGE_ROUNDS ?? 100);

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

await withBenchServer(dialect, users, async (t) => {
  process.stdout.write(`${dialect}: seeded ${users} users in ${t.seedSeconds.toFixed(1)} s\n`);
  const headers = { authorization: `Bearer ${t.token}` };
  const get = async (query: string) => {
    const started = performance.now();
    const res = await fetch(`${t.url}${t.base}/Users?${query}`, { headers, signal: AbortSignal.timeout(60_000) });
    const body = (await res.json()) as { Resources?: unknown[]; nextCursor?: string; totalResults?: number };
    if (res.status !== 200 || body.Resources?.length !== 100)
      throw new Error(`page: ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    return { ms: performance.now() - started, body };
  };
  const report = async (name: string, next: () => Promise<number>) => {
    await next();
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) times.push(await next());
    times.sort((a, b) => a - b);
    process.stdout.write(
      `  ${name.padEnd(44)} p50 ${quantile(times, 0.5).toFixed(1).padStart(7)} ms   p99 ${quantile(times, 0.99).toFixed(1).padStart(7)} ms\n`,
    );
  };
  await report("first page (startIndex=1, count=100)", async () => (await get("startIndex=1&count=100")).ms);
  await report(
    "a random startIndex, count=100",
    async () => (await get(`startIndex=${1 + Math.floor(Math.random() * (users - 100))}&count=100`)).ms,
  );
  // As a client walking the directory by startIndex asks, from half-way: each page starts where the last ended.
  let next = Math.floor(users / 2) + 1;
  await report("the next startIndex page, count=100", async () => {
    const { ms } = await get(`startIndex=${next}&count=100`);
    next += 100;
    return ms;
  });
  let cursor = "";
  await report("next page by cursor, count=100", async () => {
    const { ms, body } = await get(`count=100&cursor=${encodeURIComponent(cursor)}`);
    cursor = body.nextCursor ?? "";
    return ms;
  });
});
