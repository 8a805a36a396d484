import { DIALECTS } from "../test/support/databases.js";
import { type BenchRun, runScimBench, USERS } from "./scim-bench.js";

const print = (line: string) => process.stdout.write(`${line}\n`);

function table(run: BenchRun): void {
  print(`\n${run.dialect}: bare Fastify route ${run.bare.requestsPerSecond} req/s, p99 ${run.bare.p99Ms} ms`);
  print(`${"measure".padEnd(44)}${"req/s".padStart(9)}${"p50 ms".padStart(9)}${"p99 ms".padStart(9)}${"vs bare".padStart(10)}${"errors".padStart(8)}`);
  for (const f of run.figures) {
    const ratio = `${((f.requestsPerSecond / run.bare.requestsPerSecond) * 100).toFixed(1)} %`;
    print(`${f.name.padEnd(44)}${String(f.requestsPerSecond).padStart(9)}${String(f.p50Ms).padStart(9)}${String(f.p99Ms).padStart(9)}${ratio.padStart(10)}${String(f.errors).padStart(8)}`);
  }
}

/** `npm run bench`: every benchmark, on both backends, with its baseline measured in the same run. */
async function main(): Promise<void> {
  const only = process.env.BENCH_DIALECT;
  print(`SCIM benchmark: ${USERS} users, autocannon on loopback, ${process.env.BENCH_SECONDS ?? 5} s per measure`);
  for (const dialect of DIALECTS.filter((d) => !only || d === only)) table(await runScimBench(dialect, print));
}

await main();
