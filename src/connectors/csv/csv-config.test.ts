import { describe, expect, it } from "vitest";
import { checkCsvConfig } from "./csv-config.js";
import { csvKind } from "./csv-kind.js";

describe("csv connector settings", () => {
  it("accepts a path and a mapping of CSV column → Roster field", () => {
    expect(
      checkCsvConfig({
        path: " /data/people.csv ",
        mapping: { Login: "username", " Mail ": "EMAIL", EmployeeNo: "id" },
      }),
    ).toEqual({
      ok: true,
      value: { path: "/data/people.csv", mapping: { Login: "username", Mail: "email", EmployeeNo: "external_id" } },
    });
  });

  it("accepts no settings at all: a directory fed by uploads", () => {
    expect(checkCsvConfig({})).toEqual({ ok: true, value: {} });
  });

  it("names every bad field", () => {
    const result = checkCsvConfig({
      path: "",
      mapping: { Login: "user_name", A: "email", B: "email", "": "groups" },
      delimiter: ";",
    });
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
    expect(checkCsvConfig({ mapping: ["username"] })).toMatchObject({
      ok: false,
      errors: [{ field: "connector.mapping", code: "type" }],
    });
  });
});

describe("the csv connector kind", () => {
  it("reads an upload in place of the path, and needs one or the other", async () => {
    expect(csvKind.validate({ mapping: { Login: "nope" } })).toMatchObject([{ field: "connector.mapping.Login" }]);
    const source = csvKind.open({ path: "/nonexistent.csv" }, { upload: "username\nada\n" });
    const users = [];
    for await (const item of source.users({ signal: AbortSignal.timeout(5000) })) users.push(item);
    expect(users).toMatchObject([{ kind: "record", record: { idpId: "ada" } }]);
    expect(() => csvKind.open({}, {})).toThrow(/no path/);
  });
});
