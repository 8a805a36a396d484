import { describe, expect, it } from "vitest";
import { POSTGRES_CAPABILITIES } from "../../storage/postgres/postgres-capabilities.js";
import { SQLITE_CAPABILITIES } from "../../storage/sqlite/sqlite-capabilities.js";
import { ScimError } from "../errors.js";
import { compileFilter, type FilterResource } from "./compile-filter.js";
import { parseFilter } from "./parse-filter.js";

const INVALID: [FilterResource, string][] = [
  ["User", 'foo eq "x"'],
  ["User", 'name.bogus eq "x"'],
  ["User", 'userName.value eq "x"'],
  ["User", 'constructor eq "x"'],
  ["User", 'emails.display eq "x"'],
  ["User", 'urn:example:ext:User:x eq "1"'],
  ["User", 'active co "t"'],
  ["User", "active gt true"],
  ["User", 'active eq "maybe"'],
  ["User", 'meta.created eq "yesterday"'],
  ["User", 'meta.created eq "2021-02-30T00:00:00Z"'],
  ["User", 'meta.created co "2020"'],
  ["User", 'name eq "x"'],
  ["User", 'addresses eq "x"'],
  ["User", 'userName[value eq "x"]'],
  ["User", "userName gt null"],
  ["Group", 'userName eq "x"'],
  ["Group", 'members.display eq "x"'],
];

describe.each([
  ["sqlite", SQLITE_CAPABILITIES],
  ["postgres", POSTGRES_CAPABILITIES],
] as const)("compiling an unusable filter on %s", (_dialect, caps) => {
  it.each(INVALID)("refuses a %s filter %s with 400 invalidFilter, before any SQL runs", (resource, text) => {
    let thrown: unknown;
    try {
      compileFilter(parseFilter(text), resource, caps);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ScimError);
    expect(thrown).toMatchObject({ status: 400, scimType: "invalidFilter" });
  });

  it("names the unknown attribute in the error detail", () => {
    expect(() => compileFilter(parseFilter('emails[bogus eq "x"]'), "User", caps)).toThrow('"emails.bogus"');
    expect(() => compileFilter(parseFilter('urn:example:ext:User:x eq "1"'), "User", caps)).toThrow(
      '"urn:example:ext:User:x"',
    );
  });

  it("refuses a nested value filter even in a hand-built AST", () => {
    const nested = {
      op: "[]" as const,
      attrPath: "emails",
      valFilter: { op: "[]" as const, attrPath: "value", valFilter: { op: "pr" as const, attrPath: "x" } },
    };
    expect(() => compileFilter(nested, "User", caps)).toThrow(ScimError);
  });
});
