/**
 * How many cases a property test tries: the suite's default (kept so each test stays well under
 * 20 s locally), or `ROSTER_FUZZ_RUNS`: 10,000 in CI (.ci/run), 20,000 in `npm run fuzz`.
 */
export function fuzzRuns(defaultRuns: number): number {
  const raw = process.env.ROSTER_FUZZ_RUNS;
  const runs = raw === undefined ? Number.NaN : Number.parseInt(raw, 10);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : defaultRuns;
}

/** A property test's time limit: ten thousand cases (CI) on a busy machine take minutes, not the suite's 30 s. */
export const FUZZ_TIMEOUT_MS = 600_000;
