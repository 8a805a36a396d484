/**
 * Test support (not built): what the connector suites against a provider stand-in share. The
 * stand-in is started (and seeded) before the suite's tests and closed after them; a source's
 * records are read whole; each read is bounded in time.
 */
import { afterAll, beforeAll } from "vitest";
import type { SourceItem } from "../../src/connectors/source.js";

/** A `created`/`lastUpdated` stamp older than any watermark a test's run takes. */
export const LONG_AGO = "2026-01-01T00:00:00.000Z";

/** The signal a test's read runs under: a stand-in that stops answering fails the test, it never hangs it. */
export function readSignal(ms = 30_000): AbortSignal {
  return AbortSignal.timeout(ms);
}

/** Every record the source yields, in order; an invalid one fails the test, with the source's words. */
export async function readRecords<T>(items: AsyncIterable<SourceItem<T>>): Promise<T[]> {
  const records: T[] = [];
  for await (const item of items) {
    if (item.kind === "invalid") throw new Error(`unexpected invalid record ${item.ref}: ${item.message}`);
    records.push(item.record);
  }
  return records;
}

interface Standin<T> {
  start(): Promise<T>;
  close(): Promise<void>;
}

/**
 * Registers, in the calling `describe`, starting `standin` (then `seed`) before its tests and
 * closing it after them, and hands it back to use in the tests (its URLs exist once it started).
 */
export function standinForSuite<T extends Standin<T>>(standin: T, seed: (standin: T) => void = () => {}): T {
  beforeAll(async () => {
    await standin.start();
    seed(standin);
  });
  afterAll(() => standin.close());
  return standin;
}

/** A stand-in of the test's own (a tenant shaped for one test): started, handed to `use`, closed however `use` ends. */
export async function withStandin<T extends Standin<T>, R>(standin: T, use: (standin: T) => Promise<R>): Promise<R> {
  await standin.start();
  try {
    return await use(standin);
  } finally {
    await standin.close();
  }
}
