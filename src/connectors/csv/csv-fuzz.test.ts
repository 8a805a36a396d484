import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../../test/support/fuzz-runs.js";
import { SourceError } from "../source.js";
import { createCsvSource } from "./csv-source.js";

/** Header cells the reader knows, a few it does not, and the spellings files really carry. */
const headerCell = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "username",
      "email",
      "first_name",
      "last_name",
      "state",
      "groups",
      "id",
      "job_title",
      "Username",
      " email ",
      "EMAIL",
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);
const cell = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      "ada",
      "ada@x.com",
      "ADA@X.COM",
      "active",
      "inactive",
      "suspended",
      "Eng;Ops",
      "Eng; eng ;",
      "",
      " ",
      "é",
      "😀",
      "1e3",
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '"',
      '""',
      '"a""b"',
      '"a,b"',
      '"line\nbreak"',
      "\r",
      "\u0000",
      "\uFEFF",
      "\uD800",
      "a\tb",
      ",",
    ),
  },
);
/** A cell as written in a file: bare, or quoted as RFC 4180 says (and sometimes not quite). */
const written = fc
  .tuple(cell, fc.constantFrom("bare", "quoted", "bare", "bare"))
  .map(([text, how]) => (how === "quoted" ? `"${text.replaceAll('"', '""')}"` : text));
const line = (cells: fc.Arbitrary<string>) => fc.array(cells, { minLength: 0, maxLength: 8 }).map((cs) => cs.join(","));
const file = fc
  .tuple(
    fc.constantFrom("", "\uFEFF"),
    line(headerCell),
    fc.array(line(written), { maxLength: 12 }),
    fc.constantFrom("\n", "\r\n", "\r"),
    fc.constantFrom("", "\n", "\n\n"),
  )
  .map(([bom, header, rows, eol, end]) => bom + [header, ...rows].join(eol) + end);

async function readAll(text: string): Promise<void> {
  const signal = AbortSignal.timeout(5000);
  const source = createCsvSource({ text });
  try {
    for await (const item of source.users({ signal })) {
      if (item.kind === "record") expect(item.record.idpId.length).toBeGreaterThan(0);
      else expect(item.message.length).toBeGreaterThan(0);
    }
    for await (const item of source.groups({ signal })) {
      if (item.kind === "record") expect(new Set(item.record.memberIdpIds).size).toBe(item.record.memberIdpIds.length);
    }
  } finally {
    await source.close();
  }
}

describe("the CSV reader on arbitrary files", () => {
  it(
    "reads every file as records and invalid rows, or fails it whole with a SourceError, never another error, within a bounded time",
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof({ weight: 9, arbitrary: file }, { weight: 1, arbitrary: fc.string({ maxLength: 200 }) }),
          async (text) => {
            const started = performance.now();
            const error = await readAll(text).then(
              () => null,
              (e: unknown) => e,
            );
            expect(performance.now() - started).toBeLessThan(5000);
            if (error !== null && !(error instanceof SourceError))
              throw new Error(`${JSON.stringify(text)} failed with ${String(error)}`, { cause: error });
          },
        ),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
