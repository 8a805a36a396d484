import { describe, expect, it } from "vitest";
import { checkCsvConfig } from "./csv-config.js";

describe("csv connector settings", () => {
  it("accepts a path and a mapping of CSV column → Roster field", () => {
    expect(checkCsvConfig({ path: " /data/people.csv ", mapping: { Login: "username", " Mail ": "EMAIL", EmployeeNo: "id" } })).toEqual({
      ok: true,
      value: { path: "/data/people.csv", mapping: { Login: "username", Mail: "email", EmployeeNo: "external_id" } },
    });
  });

  it("accepts no settings at all: a directory fed by uploads", () => {
    expect(checkCsvConfig({})).toEqual({ ok: true, value: {} });
  });

  it("names every bad field", () => {
    const result = checkCsvConfig({ path: "", mapping: { Login: "user_name", A: "email", B: "email", "": "groups" }, delimiter: ";" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ["connector.delimiter", "unknown"],
      ["connector.path", "type"],
      ["connector.mapping.Login", "unknown_field"],
      ["connector.mapping.B", "duplicate"],
      ["connector.mapping.", "invalid_name"],
    ]);
  });

  it("refuses a mapping that is not an object", () => {
    expect(checkCsvConfig({ mapping: ["username"] })).toMatchObject({ ok: false, errors: [{ field: "connector.mapping", code: "type" }] });
  });
});
