import fc from "fast-check";

/** fast-check generators of what SCIM clients send, mostly plausible with a tail of garbage. */

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

const ATTRIBUTES = [
  "userName",
  "UserName",
  "externalId",
  "id",
  "active",
  "title",
  "displayName",
  "nickName",
  "emails",
  "emails.value",
  "emails.type",
  "emails.primary",
  "name.givenName",
  "name.familyName",
  "name",
  "meta.created",
  "meta.lastModified",
  "meta.resourceType",
  "groups",
  "groups.value",
  "members",
  "members.value",
  "members.display",
  `${ENTERPRISE}:department`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:manager`,
  "manager.value",
  "urn:ietf:params:scim:schemas:core:2.0:User:userName",
  "phoneNumbers.value",
  "addresses.postalCode",
  "x509Certificates",
  "unknown",
  "x.y.z",
  "emails.value.extra",
  "",
  "1abc",
  "a-b",
  "$ref",
];
const OPERATORS = ["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "EQ", "Co", "pr", "xx"];

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.constantFrom(
    "",
    "a@x.com",
    "ADA@EXAMPLE.COM",
    "%",
    "_",
    "\\",
    '"',
    "'",
    "😀",
    "é",
    "2020-01-01T00:00:00Z",
    "2020-13-45T99:00:00Z",
    "1e308",
    "-0",
  ),
);
const filterValue = fc.oneof(
  { weight: 5, arbitrary: text.map((s) => JSON.stringify(s)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("true", "false", "null", "True", "0", "-1", "1.5", "1e400", "NaN", "9007199254740993"),
  },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.constantFrom("jyoung", '"unterminated', "'single'", '"a\\"b"', '"\\u0041"') },
);

const { filter } = fc.letrec<{ filter: string; leaf: string }>((tie) => ({
  leaf: fc.oneof(
    fc
      .tuple(fc.constantFrom(...ATTRIBUTES), fc.constantFrom(...OPERATORS), filterValue)
      .map(([a, op, v]) => (op.toLowerCase() === "pr" ? `${a} pr` : `${a} ${op} ${v}`)),
    fc
      .tuple(
        fc.constantFrom("emails", "members", "groups", "phoneNumbers", "name", "userName"),
        tie("filter"),
        fc.constantFrom("", ".value", ".type", ".primary"),
      )
      .map(([a, f, sub]) => `${a}[${f}]${sub}`),
  ),
  filter: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: tie("leaf") },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie("filter"), fc.constantFrom("and", "or", "AND", "Or"), tie("filter"))
        .map(([a, op, b]) => `${a} ${op} ${b}`),
    },
    { weight: 1, arbitrary: tie("filter").map((f) => `not (${f})`) },
    { weight: 1, arbitrary: tie("filter").map((f) => `(${f})`) },
  ),
}));

/** A plausible filter, then maybe cut, with text spliced in: the parser's edges. */
const mutated = fc.tuple(filter, fc.nat(), fc.nat(), fc.string({ maxLength: 4 })).map(([f, at, cut, insert]) => {
  const i = at % (f.length + 1);
  return f.slice(0, i) + insert + f.slice(i + (cut % 3));
});

/** Built to reach the bounds: long chains, deep nesting, long values. */
const large = fc.oneof(
  fc.integer({ min: 1, max: 140 }).map((n) => Array.from({ length: n }, (_, i) => `userName eq "u${i}"`).join(" or ")),
  fc.integer({ min: 1, max: 60 }).map((n) => `${"not (".repeat(n)}userName pr${")".repeat(n)}`),
  fc.integer({ min: 1, max: 60 }).map((n) => `${"(".repeat(n)}title co "x"${")".repeat(n)}`),
  fc.integer({ min: 1, max: 9000 }).map((n) => `displayName co "${"x".repeat(n)}"`),
);

export const filterText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: filter },
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: large },
);

const PATCH_PATHS = [
  "userName",
  "active",
  "title",
  "displayName",
  "externalId",
  "nickName",
  "name",
  "name.givenName",
  "emails",
  "emails.value",
  'emails[type eq "work"].value',
  'emails[type eq "work"]',
  "emails[primary eq true].primary",
  'phoneNumbers[type eq "mobile"].value',
  `${ENTERPRISE}:manager`,
  `${ENTERPRISE}:manager.value`,
  `${ENTERPRISE}:department`,
  ENTERPRISE,
  "roles",
  "id",
  "meta",
  "groups",
  "members",
  'members[value eq "u1"]',
  "members.value",
  "unknownAttr",
  "emails[type eq]",
  "emails[",
  "a.b.c",
  "",
  "urn:x:y",
];
const VALUES = [
  "True",
  "false",
  "",
  null,
  {},
  [],
  "x",
  0,
  1.5,
  true,
  [{ value: "u1" }],
  { value: "m1" },
  { value: "" },
  ["u3"],
  [{ value: "a@x.org", type: "work", primary: "true" }],
  { givenName: "G" },
  { displayName: "Renamed" },
  { active: "False" },
  { "name.givenName": "N", [`${ENTERPRISE}:department`]: "7" },
  { [ENTERPRISE]: { manager: "m2" } },
  { id: "someone-else" },
  { members: [{ value: "u6" }] },
  { meta: { created: "now" } },
  [[1]],
  [null, "", {}],
  "x".repeat(2000),
  "a\u0000b",
  "\ud800",
  { value: "x\udc00" },
  [{ value: "a@x.org", type: "w\u0000rk" }],
];

/** A PATCH body: mostly well-formed operations; `memberIds` are ids that exist, so member changes can succeed. */
export function patchBody(memberIds: readonly string[]): fc.Arbitrary<unknown> {
  const member = fc.oneof(
    fc.constantFrom(...memberIds),
    fc.constantFrom("unknown-id", "", "directory_user_00000000000000000000000000"),
  );
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<unknown>(...VALUES) },
    {
      weight: 2,
      arbitrary: fc.array(
        member.map((value) => ({ value })),
        { maxLength: 3 },
      ),
    },
    { weight: 1, arbitrary: member },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  const path = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<unknown>(...PATCH_PATHS) },
    { weight: 1, arbitrary: member.map((id) => `members[value eq "${id}"]`) },
    { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null), fc.constant(7)) },
  );
  const op = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom<unknown>("add", "Add", "replace", "Replace", "remove", "Remove") },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("move", "", 7, null) },
  );
  const operation = fc.oneof(
    { weight: 9, arbitrary: fc.record({ op, path, value }, { requiredKeys: ["op"] }) },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
  );
  return fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record({
        schemas: fc.constant([PATCH_OP]),
        Operations: fc.array(operation, { minLength: 1, maxLength: 4 }),
      }),
    },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
  );
}

/** A list parameter's value as a `.search` body may hold it: mostly right, sometimes any JSON. */
const searchValue = (right: fc.Arbitrary<unknown>) =>
  fc.option(fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) }), {
    nil: undefined,
  });

/** A SearchRequest body (RFC 7644 §3.4.3), its parameters of any JSON type now and then. */
export const searchRequest: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    filter: searchValue(filterText),
    sortBy: searchValue(fc.constantFrom("userName", "displayName", "meta.created", "nope")),
    sortOrder: searchValue(fc.constantFrom("ascending", "descending", "sideways")),
    startIndex: searchValue(fc.integer({ min: -2, max: 5 })),
    count: searchValue(fc.integer({ min: -1, max: 5 })),
    attributes: searchValue(fc.constantFrom(["userName"], ["displayName", "members"], [])),
    excludedAttributes: searchValue(fc.constantFrom(["members"], ["emails"])),
  })
  .map((request) => Object.fromEntries(Object.entries(request).filter(([, v]) => v !== undefined)));

/** A list query string: the same parameters as text, each given once, twice or not at all. */
export const listQuery: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(
    fc.constantFrom(
      "filter",
      "sortBy",
      "sortOrder",
      "startIndex",
      "count",
      "attributes",
      "excludedAttributes",
      "cursor",
    ),
    fc.oneof(filterText, fc.constantFrom("userName", "descending", "1", "0", "-5", "x", "members", "")),
  ),
  { maxLength: 4 },
);
