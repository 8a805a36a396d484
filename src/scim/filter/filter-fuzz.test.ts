import fc from "fast-check";
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import { describe, expect, it } from "vitest";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../../test/support/fuzz-runs.js";
import { filterText } from "../../../test/support/scim-arbitraries.js";
import { POSTGRES_CAPABILITIES } from "../../storage/postgres/postgres-capabilities.js";
import { SQLITE_CAPABILITIES } from "../../storage/sqlite/sqlite-capabilities.js";
import type { Database } from "../../storage/schema.js";
import { ScimError } from "../errors.js";
import { compileFilter, type FilterResource } from "./compile-filter.js";
import { parseFilter } from "./parse-filter.js";

/** Kysely over no database: compiles the filter's SQL for each dialect without running it. */
const COMPILERS = [
  {
    caps: SQLITE_CAPABILITIES,
    db: new Kysely<Database>({
      dialect: {
        createAdapter: () => new SqliteAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new SqliteIntrospector(db),
        createQueryCompiler: () => new SqliteQueryCompiler(),
      },
    }),
  },
  {
    caps: POSTGRES_CAPABILITIES,
    db: new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
    }),
  },
];

/** Parses and compiles `text` to SQL for every dialect and resource: SQL text, or the ScimError a client gets. */
function compileEverywhere(text: string): void {
  const filter = parseFilter(text);
  for (const resource of ["User", "Group"] as FilterResource[]) {
    for (const { caps, db } of COMPILERS) {
      try {
        const where = compileFilter(filter, resource, caps);
        expect(db.selectFrom("directory_users as u").select("u.id").where(where).compile().sql).toContain("where");
      } catch (error) {
        if (!(error instanceof ScimError)) throw error;
        expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
      }
    }
  }
}

describe("the filter parser and compiler on arbitrary text", () => {
  // The bound is for runaway work (backtracking, exponential nesting): typical cases take well under
  // 5 ms, and a loaded CI machine may pause one for a few hundred.
  it(
    "answers SQL or a 400 invalidFilter, never another error, within a bounded time",
    () => {
      fc.assert(
        fc.property(filterText, (text) => {
          const started = performance.now();
          try {
            compileEverywhere(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
          }
          expect(performance.now() - started).toBeLessThan(1000);
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
