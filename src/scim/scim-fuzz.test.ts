import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../test/support/fuzz-runs.js";
import { filterText, listQuery, patchBody, searchRequest } from "../../test/support/scim-arbitraries.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { createTestApp, type TestApp } from "../../test/support/test-app.js";

/** Percent-encodes the UTF-8 of `text` (an unpaired surrogate becomes U+FFFD, as on the wire). */
function queryValue(text: string): string {
  return [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

describe.each(DIALECTS)("SCIM on arbitrary client input, on %s", (dialect) => {
  let t: TestApp;
  let scim: ReturnType<typeof scimClient>;
  let userId: string;
  let groupId: string;
  const memberIds: string[] = [];
  beforeAll(async () => {
    t = await createTestApp(dialect);
    scim = scimClient(t.app, await createScimDirectory(t.app));
    for (const name of ["ada", "bob", "cy"]) {
      const res = await scim("POST", "/Users", {
        schemas: [SCHEMA.user, SCHEMA.enterprise],
        userName: `${name}@x.com`,
        emails: [{ value: `${name}@x.com`, type: "work", primary: true }],
        [SCHEMA.enterprise]: { department: "R&D", manager: { value: "m1" } },
      });
      memberIds.push(res.json().id);
    }
    userId = memberIds[0] as string;
    groupId = (
      await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Eng", members: [{ value: memberIds[1] }] })
    ).json().id;
  });
  afterAll(async () => t?.close());

  it(
    "answers every list request, by query or SearchRequest, with a list or a SCIM 4xx, never a 5xx",
    async () => {
      const request = fc.oneof(
        filterText.map((text) => ({
          query: [
            ["filter", text],
            ["count", "5"],
          ] as [string, string][],
        })),
        listQuery.map((query) => ({ query })),
        searchRequest.map((search) => ({ search })),
      );
      await fc.assert(
        fc.asyncProperty(request, fc.constantFrom("Users", "Groups"), async (asked, resource) => {
          const res =
            "search" in asked
              ? await scim("POST", `/${resource}/.search`, asked.search)
              : await scim("GET", `/${resource}?${asked.query.map(([k, v]) => `${k}=${queryValue(v)}`).join("&")}`);
          expect(res.statusCode, `${resource} ${JSON.stringify(asked)}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json().schemas).toEqual([SCHEMA.error]);
          else expect(res.json().schemas).toEqual([SCHEMA.list]);
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "answers every PATCH with a success or a SCIM 4xx that changed nothing, never a 5xx",
    async () => {
      const read = async (path: string) => {
        const res = await scim("GET", path);
        return { status: res.statusCode, etag: res.headers.etag, body: res.json() };
      };
      const current = new Map([
        [`/Users/${userId}`, await read(`/Users/${userId}`)],
        [`/Groups/${groupId}`, await read(`/Groups/${groupId}`)],
      ]);
      await fc.assert(
        fc.asyncProperty(
          patchBody(memberIds),
          fc.constantFrom(`/Users/${userId}`, `/Groups/${groupId}`),
          async (body, path) => {
            const started = performance.now();
            const res = await scim("PATCH", path, body);
            expect(performance.now() - started).toBeLessThan(5000);
            expect(res.statusCode, `${path} ${JSON.stringify(body)}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
            const after = await read(path);
            if (res.statusCode >= 400) {
              expect(res.json().schemas).toEqual([SCHEMA.error]);
              expect(after, `a refused PATCH changed ${path}: ${JSON.stringify(body)}`).toEqual(current.get(path));
            } else {
              // A group's PATCH can change its members' `groups` too: read both again.
              for (const other of current.keys()) current.set(other, await read(other));
            }
          },
        ),
        // Two requests a case: 500 keeps the test well under 20 s on a busy machine.
        { numRuns: fuzzRuns(500) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
