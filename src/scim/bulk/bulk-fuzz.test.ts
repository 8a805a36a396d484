import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../../test/support/databases.js";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../../test/support/fuzz-runs.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../../test/support/test-app.js";

const BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest";
const BULK_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:BulkResponse";

/** A few bulkIds, so that references, forward references, repeats and cycles all come up often. */
const bulkId = fc.constantFrom("a", "b", "c", "", "A", "a b", "bulkId:a");
const reference = bulkId.map((id) => `bulkId:${id}`);
const anything = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.constant({}),
  fc.constant([]),
);

const userData = fc.record(
  {
    schemas: fc.oneof(
      { weight: 9, arbitrary: fc.constant([SCHEMA.user]) },
      { weight: 1, arbitrary: fc.constantFrom([], ["x"]) },
    ),
    userName: fc.oneof(fc.constantFrom("ada@x.com", "bob@x.com", "ADA@x.com", ""), fc.emailAddress(), anything),
    active: fc.oneof(fc.boolean(), fc.constantFrom("False", "true"), anything),
    emails: fc.oneof(fc.constant([{ value: "ada@x.com", primary: true }]), anything),
  },
  { requiredKeys: ["schemas"] },
);
const groupData = fc.record(
  {
    schemas: fc.oneof(
      { weight: 9, arbitrary: fc.constant([SCHEMA.group]) },
      { weight: 1, arbitrary: fc.constant(["x"]) },
    ),
    displayName: fc.oneof(fc.constantFrom("Eng", "Ops"), anything),
    members: fc.oneof(fc.array(fc.record({ value: fc.oneof(reference, anything) }), { maxLength: 4 }), anything),
  },
  { requiredKeys: ["schemas"] },
);
const patchData = fc.record({
  schemas: fc.constant([SCHEMA.patch]),
  Operations: fc.array(
    fc.record(
      {
        op: fc.constantFrom("add", "remove", "replace", "Replace", "x"),
        path: fc.constantFrom("members", "title", "active", "displayName", `members[value eq "bulkId:a"]`, ""),
        value: fc.oneof(fc.array(fc.record({ value: reference }), { maxLength: 3 }), anything),
      },
      { requiredKeys: ["op"] },
    ),
    { maxLength: 3 },
  ),
});

const operation = fc.record(
  {
    method: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom("POST", "PUT", "PATCH", "DELETE") },
      { weight: 1, arbitrary: fc.constantFrom("GET", "post", "x") },
    ),
    bulkId,
    path: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("/Users", "/Groups") },
      { weight: 1, arbitrary: fc.constantFrom("/Users/", "/Schemas", "", "Users") },
      {
        weight: 4,
        arbitrary: fc
          .tuple(fc.constantFrom("/Users/", "/Groups/"), fc.oneof(reference, fc.string({ maxLength: 6 })))
          .map(([p, id]) => p + id),
      },
    ),
    data: fc.oneof(userData, groupData, patchData, anything),
    version: fc.constantFrom('W/"1"', "x"),
  },
  { requiredKeys: ["method", "path", "bulkId", "data"] },
);

const bulkRequest = fc.record(
  {
    schemas: fc.oneof(
      { weight: 9, arbitrary: fc.constant([BULK]) },
      { weight: 1, arbitrary: fc.constantFrom([], ["x"]) },
    ),
    failOnErrors: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(1, 2, 3, 100) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(0, -1, 1.5), anything) },
    ),
    Operations: fc.oneof(
      { weight: 9, arbitrary: fc.array(operation, { minLength: 1, maxLength: 6 }) },
      { weight: 1, arbitrary: anything },
    ),
  },
  { requiredKeys: ["schemas", "Operations"] },
);

describe.each(DIALECTS)("SCIM /Bulk on arbitrary requests, on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
  });
  afterAll(async () => t?.close());

  it(
    "answers every request (bulkId cycles, forward references, failOnErrors) with a BulkResponse or a SCIM 4xx, never a 5xx, in bounded time",
    async () => {
      await fc.assert(
        fc.asyncProperty(bulkRequest, async (body) => {
          const started = performance.now();
          const res = await scim("POST", "/Bulk", body);
          expect(performance.now() - started).toBeLessThan(5000);
          const shown = `${JSON.stringify(body).slice(0, 400)}: ${res.body.slice(0, 300)}`;
          expect(res.statusCode, shown).toBeLessThan(500);
          const answer = res.json();
          if (res.statusCode >= 400) {
            expect(answer.schemas, shown).toEqual([SCHEMA.error]);
            return;
          }
          expect(answer.schemas, shown).toEqual([BULK_RESPONSE]);
          for (const done of answer.Operations as { status: string; response?: { schemas?: unknown } }[]) {
            expect(Number(done.status), shown).toBeLessThan(500);
            if (Number(done.status) >= 400) expect(done.response?.schemas, shown).toEqual([SCHEMA.error]);
          }
        }),
        // Up to eight writes a case: 300 keeps the test well under 20 s on a busy machine.
        { numRuns: fuzzRuns(300) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
