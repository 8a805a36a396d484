/**
 * How many cases a property test tries: the suite's default (kept so each test stays well under
 * 20 s in CI), or `ROSTER_FUZZ_RUNS` for a longer search (`npm run fuzz`).
 */
export function fuzzRuns(defaultRuns: number): number {
  const raw = process.env.ROSTER_FUZZ_RUNS;
  const runs = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : defaultRuns;
}
