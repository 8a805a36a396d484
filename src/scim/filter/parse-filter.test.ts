import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FUZZ_TIMEOUT_MS, fuzzRuns } from "../../../test/support/fuzz-runs.js";
import { ScimError } from "../errors.js";
import { MAX_FILTER_LENGTH, MAX_FILTER_NESTING } from "./filter-text.js";
import { parseFilter } from "./parse-filter.js";

function invalid(text: string): ScimError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseFilter", () => {
  it("reads a comparison into the library's AST", () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({ op: "eq", attrPath: "userName", compValue: "bjensen" });
  });

  it("reads operators and logical words in any case, keeping attribute names as written", () => {
    expect(parseFilter('name.FamilyName EQ "x" AND Active Eq true')).toEqual({
      op: "and",
      filters: [
        { op: "eq", attrPath: "name.FamilyName", compValue: "x" },
        { op: "eq", attrPath: "Active", compValue: true },
      ],
    });
  });

  it("binds and tighter than or, and not tighter than both (RFC 7644 §3.4.2.2, Table 3)", () => {
    expect(parseFilter('a eq "1" or b eq "2" and not c pr')).toEqual({
      op: "or",
      filters: [
        { op: "eq", attrPath: "a", compValue: "1" },
        {
          op: "and",
          filters: [
            { op: "eq", attrPath: "b", compValue: "2" },
            { op: "not", filter: { op: "pr", attrPath: "c" } },
          ],
        },
      ],
    });
    expect(parseFilter('(a eq "1" or b eq "2") and c pr')).toMatchObject({
      op: "and",
      filters: [{ op: "or" }, { op: "pr" }],
    });
  });

  it("reads value paths, URN-qualified paths and literals", () => {
    expect(parseFilter('emails[type eq "work" and value co "@x.com"]')).toEqual({
      op: "[]",
      attrPath: "emails",
      valFilter: {
        op: "and",
        filters: [
          { op: "eq", attrPath: "type", compValue: "work" },
          { op: "co", attrPath: "value", compValue: "@x.com" },
        ],
      },
    });
    const urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value";
    expect(parseFilter(`${urn} eq "m1"`)).toEqual({ op: "eq", attrPath: urn, compValue: "m1" });
    expect(parseFilter("externalId eq null")).toEqual({ op: "eq", attrPath: "externalId", compValue: null });
    expect(parseFilter("active ne false")).toEqual({ op: "ne", attrPath: "active", compValue: false });
  });

  it("decodes string values as JSON, which the library alone gets wrong for backslashes", () => {
    expect(parseFilter('displayName eq "a\\\\b"')).toMatchObject({ compValue: "a\\b" });
    expect(parseFilter('displayName eq "say \\"hi\\""')).toMatchObject({ compValue: 'say "hi"' });
    expect(parseFilter('displayName eq "\\u00e9t\\u00e9"')).toMatchObject({ compValue: "été" });
    expect(parseFilter('displayName eq "and or not ) ] [" and title pr')).toMatchObject({
      op: "and",
      filters: [{ compValue: "and or not ) ] [" }, { op: "pr" }],
    });
  });

  it('reads Entra\'s emails[type eq "work"].value eq "x" as one email meeting both, not the library\'s two independent conditions', () => {
    expect(parseFilter('emails[type eq "work" or type eq "home"].value eq "x" and title pr')).toEqual({
      op: "and",
      filters: [
        {
          op: "[]",
          attrPath: "emails",
          valFilter: {
            op: "and",
            filters: [
              {
                op: "or",
                filters: [
                  { op: "eq", attrPath: "type", compValue: "work" },
                  { op: "eq", attrPath: "type", compValue: "home" },
                ],
              },
              { op: "eq", attrPath: "value", compValue: "x" },
            ],
          },
        },
        { op: "pr", attrPath: "title" },
      ],
    });
    expect(parseFilter('(emails[type eq "work"].value pr)')).toEqual({
      op: "[]",
      attrPath: "emails",
      valFilter: {
        op: "and",
        filters: [
          { op: "eq", attrPath: "type", compValue: "work" },
          { op: "pr", attrPath: "value" },
        ],
      },
    });
  });

  it("accepts Entra's unquoted values as strings", () => {
    expect(parseFilter("externalId eq jyoung")).toEqual({ op: "eq", attrPath: "externalId", compValue: "jyoung" });
    expect(parseFilter("userName sw O")).toEqual({ op: "sw", attrPath: "userName", compValue: "O" });
    expect(parseFilter("meta.Created gt 2015-10-10T14:38:21.8617979-07:00")).toEqual({
      op: "gt",
      attrPath: "meta.Created",
      compValue: "2015-10-10T14:38:21.8617979-07:00",
    });
    expect(parseFilter("emails.Value eq ada@example.com and (userName eq ada)")).toMatchObject({
      filters: [{ compValue: "ada@example.com" }, { compValue: "ada" }],
    });
    expect(parseFilter("members[value eq 2819c223]")).toMatchObject({ valFilter: { compValue: "2819c223" } });
  });

  it("reads unquoted numbers as their text, since no filterable attribute is numeric", () => {
    expect(parseFilter("externalId eq 00123")).toMatchObject({ compValue: "00123" });
    expect(parseFilter("externalId eq 1.5e3")).toMatchObject({ compValue: "1.5e3" });
  });

  it.each([
    ["", "empty"],
    ["   ", "empty"],
    ["userName", "expected an operator"],
    ["userName eq", "expected a value"],
    ["userName eq )", "expected a value"],
    ["userName is 'x'", "unknown operator"],
    ['userName eq "x', "unterminated string"],
    ['userName eq "a\tb"', "not a valid JSON string"],
    ['userName eq "x" and', "ends where an attribute was expected"],
    ['userName eq "x" title pr', 'expected "and", "or"'],
    ['(userName eq "x"', 'missing ")"'],
    ['userName eq "x")', "unbalanced"],
    ['emails[type eq "x"', 'missing "]"'],
    ['emails[type eq "x" and phoneNumbers[type eq "y"]]', "cannot be nested"],
    ['"userName" eq "x"', "expected an attribute name"],
    ["() and title pr", "expected an attribute name"],
    ['emails[type eq "work"]. and title pr', 'expected a sub-attribute after "]."'],
    ['emails[type eq "work"].value', 'expected an operator after "value"'],
    ['emails[type eq "work"].value[type eq "x"]', "cannot be nested"],
    ['emails[type eq "work"].value eq "x"]', "unbalanced"],
  ])("refuses %j with 400 invalidFilter (%s)", (text, fragment) => {
    const error = invalid(text);
    expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
    expect(error.detail).toContain(fragment);
  });

  it("refuses filters longer than the limit and nested deeper than the limit", () => {
    expect(invalid(`userName eq "${"x".repeat(MAX_FILTER_LENGTH)}"`).detail).toContain("longer than");
    const deep = `${"(".repeat(MAX_FILTER_NESTING + 1)}title pr${")".repeat(MAX_FILTER_NESTING + 1)}`;
    expect(invalid(deep).detail).toContain("nested deeper");
    expect(invalid(`${"not ".repeat(MAX_FILTER_NESTING + 1)}title pr`).detail).toContain("nested deeper");
  });

  it("fails fast on inputs built to make regular expressions backtrack", () => {
    const started = performance.now();
    for (const text of [
      `title eq "${"\n".repeat(8000)}`,
      `title eq "${"\\".repeat(8001)}`,
      `${"1".repeat(8000)}.`,
      `${"-1".repeat(4000)} eq "x"`,
    ]) {
      expect(() => parseFilter(text)).toThrow(ScimError);
    }
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it(
    "throws nothing but a 400 invalidFilter ScimError, whatever the input",
    () => {
      const soup = fc
        .array(
          fc.constantFrom(
            "(",
            ")",
            "[",
            "]",
            "].",
            "].value",
            " ",
            "\n",
            "and",
            "OR",
            "not",
            "eq",
            "pr",
            "gt",
            "userName",
            "emails",
            "value",
            '"x"',
            '"',
            "\\",
            "true",
            "null",
            "1e5",
            "-",
            ".",
          ),
          {
            maxLength: 30,
          },
        )
        .map((tokens) => tokens.join(" "));
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), soup), (text) => {
          try {
            parseFilter(text);
          } catch (error) {
            expect(error).toBeInstanceOf(ScimError);
            expect(error).toMatchObject({ status: 400, scimType: "invalidFilter" });
          }
        }),
        { numRuns: fuzzRuns(2000) },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
