import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../test/support/databases.js";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../test/support/fuzz-runs.js";
import { createScimDirectory, SCHEMA, scimClient } from "../../test/support/scim-client.js";
import { ADMIN_KEY, bearer, createTestApp, type TestApp } from "../../test/support/test-app.js";

/** The list parameters the API reads anywhere, a few it does not, and the shapes values come in. */
const KEYS = [
  "limit",
  "before",
  "after",
  "order",
  "directory",
  "group",
  "user",
  "organization_id",
  "organization",
  "events",
  "range_start",
  "range_end",
  "search",
  "state",
  "include_deleted",
  "status",
  "errors_only",
  "event_id",
  "dry_run",
  "domains",
  "x",
  "",
  "limit[]",
];

describe.each(DIALECTS)("the API's list parameters on arbitrary values, on %s", (dialect) => {
  let t: TestApp;
  let ids: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp(dialect);
    const dir = await createScimDirectory(t.app);
    const scim = scimClient(t.app, dir);
    const user = (await scim("POST", "/Users", { schemas: [SCHEMA.user], userName: "ada@x.com" })).json().id;
    const group = (
      await scim("POST", "/Groups", { schemas: [SCHEMA.group], displayName: "Eng", members: [{ value: user }] })
    ).json().id;
    ids = { directory: dir.id, organization: dir.orgId, user, group };
  });
  afterAll(async () => t?.close());

  it(
    "answers every list request with a page or a typed 4xx, never a 5xx",
    async () => {
      const value = fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(
            "1",
            "0",
            "-1",
            "100",
            "101",
            "1e3",
            "9007199254740993",
            "asc",
            "desc",
            "normal",
            "true",
            "false",
            "active",
            "inactive",
            "",
          ),
        },
        { weight: 3, arbitrary: fc.constantFrom("directory", "organization", "user", "group").map((k) => `@${k}`) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            "directory_user_01ARZ3NDEKTSV4RRFFQ69G5FAV",
            "dsync.user.created",
            "dsync.user.created,dsync.group.deleted",
            "2026-01-01T00:00:00Z",
            "2026-13-45",
          ),
        },
        { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
        { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) },
      );
      const query = fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { maxLength: 5 });
      const path = fc.constantFrom(
        "/directory_users",
        "/directory_groups",
        "/directories",
        "/organizations",
        "/events",
        "/webhook_endpoints",
        "/directories/@directory/syncs",
        "/directories/@directory/scim_requests",
        "/directory_users/@user",
        "/organizations/@organization/api_keys",
      );
      const resolve = (text: string) =>
        text.replace(/@(directory|organization|user|group)/g, (_, k: string) => ids[k] ?? "");
      await fc.assert(
        fc.asyncProperty(path, query, async (route, pairs) => {
          const url = `${resolve(route)}?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(resolve(v))}`).join("&")}`;
          const res = await t.app.inject({ method: "GET", url, headers: bearer(ADMIN_KEY) });
          expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
          const body = res.json();
          if (res.statusCode >= 400) {
            expect(typeof body.code, url).toBe("string");
            expect(typeof body.message, url).toBe("string");
          } else if (!route.includes("@user")) {
            expect(Array.isArray(body.data), url).toBe(true);
          }
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
