import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../../test/support/fuzz-runs.js";
import { ScimError } from "../errors.js";
import { applyGroupPatch } from "./group-patch.js";
import { normalizePatchRequest } from "./normalize-patch-request.js";
import { deepFreeze, ENTERPRISE, entraUser, GROUP_ID, PATCH_OP, USER_ID } from "./patch-test-support.js";
import { applyUserPatch } from "./user-patch.js";

const PATHS = [
  "userName",
  "Active",
  "active",
  "title",
  "displayName",
  "externalId",
  "nickName",
  "name",
  "name.givenName",
  "Name.FamilyName",
  "emails",
  "emails.value",
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  "emails[primary eq true].primary",
  'emails[type eq "home" or value co "@"].type',
  'emails[value sw "x"].display',
  'emails[not (type eq "work")]',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].postalCode',
  "x509Certificates",
  "roles",
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager.displayName`,
  'manager[value eq "m1"]',
  `${ENTERPRISE}:employeeNumber`,
  "department",
  "urn:ietf:params:scim:schemas:core:2.0:User:userName",
  ENTERPRISE,
  "id",
  "meta",
  "meta.created",
  "groups",
  "password",
  "members",
  'members[value eq "u1"]',
  'members[value eq "a" or value eq "b"]',
  'members[display eq "x"]',
  "members.value",
  "unknownAttr",
  "emails[type eq]",
  "emails[",
  "a.b.c",
  "emails]",
  "",
  "   ",
];

const VALUES = [
  "True",
  "false",
  "FALSE",
  "",
  null,
  {},
  [],
  "x",
  0,
  1.5,
  true,
  [{ value: "u1" }],
  [{ value: "u2", display: "d", $ref: null }],
  { value: "m1" },
  { value: "" },
  ["u3", "u4"],
  "u5",
  [{ value: "a@x.org", type: "work", primary: "true" }],
  { givenName: "G", familyName: "" },
  { id: GROUP_ID, displayName: "Renamed" },
  { id: USER_ID, active: "False" },
  { "name.givenName": "N", [`${ENTERPRISE}:employeeNumber`]: "7" },
  { [ENTERPRISE]: { manager: "m2", department: "" } },
  { id: "someone-else" },
  { members: [{ value: "u6" }] },
  { meta: { created: "now" } },
  [[1]],
  [null, "", {}],
];

// Mostly plausible operations so that many requests apply fully, with a tail of malformed ones.
const opName = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom<unknown>("add", "Add", "replace", "Replace", "remove", "Remove", "REMOVE") },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("move", "", 7, null) },
);
const path = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<unknown>(...PATHS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const value = fc.oneof(fc.constantFrom<unknown>(...VALUES), fc.jsonValue({ maxDepth: 3 }));
const operation = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: opName, path, value }, { requiredKeys: ["op"] }) },
  { weight: 1, arbitrary: fc.anything() },
);
const body = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record({
      schemas: fc.constant([PATCH_OP]),
      Operations: fc.array(operation, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.anything() },
);

const frozenUser = deepFreeze({
  ...entraUser(),
  phoneNumbers: [{ type: "mobile", value: "1" }],
  [ENTERPRISE]: { employeeNumber: "1", manager: { value: "m1" } },
});
const frozenGroup = deepFreeze({ displayName: "Group", externalId: "g" });

/** Runs `run`, letting only ScimErrors through: anything else fails the property. */
function onlyScimErrors(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    expect(error.status).toBe(400);
  }
}

describe("PATCH on random operation lists", () => {
  it(
    "never throws anything but a 400 ScimError and never mutates the user or the body",
    () => {
      fc.assert(
        fc.property(body, (request) => {
          const snapshot = structuredClone(request);
          onlyScimErrors(() => {
            applyUserPatch(frozenUser, normalizePatchRequest(request, "User", { resourceId: USER_ID }));
          });
          expect(request).toEqual(snapshot);
        }),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "never throws anything but a 400 ScimError and never mutates the group",
    () => {
      fc.assert(
        fc.property(body, (request) => {
          onlyScimErrors(() => {
            applyGroupPatch(frozenGroup, normalizePatchRequest(request, "Group", { resourceId: GROUP_ID }));
          });
        }),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "returns a document that keeps at most one primary value per attribute",
    () => {
      fc.assert(
        fc.property(body, (request) => {
          onlyScimErrors(() => {
            const user = applyUserPatch(frozenUser, normalizePatchRequest(request, "User", { resourceId: USER_ID }));
            for (const item of Object.values(user)) {
              if (!Array.isArray(item)) continue;
              const primaries = item.filter(
                (e) => typeof e === "object" && e !== null && !Array.isArray(e) && e.primary === true,
              );
              expect(primaries.length).toBeLessThanOrEqual(1);
            }
          });
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "applies the same operations twice to the same result (operations are not consumed)",
    () => {
      fc.assert(
        fc.property(body, (request) => {
          onlyScimErrors(() => {
            const ops = normalizePatchRequest(request, "User", { resourceId: USER_ID });
            expect(applyUserPatch(frozenUser, ops)).toEqual(applyUserPatch(frozenUser, ops));
          });
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
