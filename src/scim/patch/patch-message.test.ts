import { describe, expect, it } from "vitest";
import { normalizePatchRequest } from "./normalize-patch-request.js";
import { expectScimError, PATCH_OP } from "./patch-test-support.js";

describe("the PatchOp message envelope (RFC 7644 §3.5.2)", () => {
  it.each([
    ["a body that is not an object", []],
    ["a missing Operations array", { schemas: [PATCH_OP] }],
    ["an empty Operations array", { schemas: [PATCH_OP], Operations: [] }],
    ["an operation that is not an object", { schemas: [PATCH_OP], Operations: ["replace"] }],
    ["an unknown op", { schemas: [PATCH_OP], Operations: [{ op: "move", path: "title", value: "x" }] }],
    ["a non-string path", { schemas: [PATCH_OP], Operations: [{ op: "replace", path: 7, value: "x" }] }],
    ["an add without a value", { schemas: [PATCH_OP], Operations: [{ op: "add", path: "title" }] }],
    [
      "a path-less replace whose value is not an object",
      { schemas: [PATCH_OP], Operations: [{ op: "replace", value: "x" }] },
    ],
    [
      "schemas naming another message",
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
        Operations: [{ op: "replace", path: "title", value: "x" }],
      },
    ],
  ])("refuses %s with invalidSyntax", (_label, body) => {
    expectScimError(() => normalizePatchRequest(body, "User"), "invalidSyntax");
  });

  it("accepts a body without schemas, by the robustness principle", () => {
    const ops = normalizePatchRequest({ Operations: [{ op: "replace", path: "title", value: "x" }] }, "User");
    expect(ops.map((o) => [o.op, o.path])).toEqual([["replace", "title"]]);
  });

  it("reads the envelope's and operations' member names case-insensitively", () => {
    const ops = normalizePatchRequest(
      { Schemas: [PATCH_OP.toLowerCase()], operations: [{ OP: "Replace", Path: "Active", Value: "False" }] },
      "User",
    );
    expect(ops).toMatchObject([{ op: "replace", path: "active", value: false }]);
  });

  it("normalizes op, path and value spellings into canonical operations", () => {
    const ops = normalizePatchRequest(
      {
        schemas: [PATCH_OP],
        Operations: [
          { op: "Add", path: 'Emails[Type eq "other"].Value', value: "o@x.org" },
          { op: "Replace", path: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:Manager", value: "boss" },
          { op: "Remove", path: 'emails[primary eq "True"]' },
        ],
      },
      "User",
    );
    expect(ops.map((o) => ["value" in o ? o.value : undefined, o.op, o.path])).toEqual([
      ["o@x.org", "add", 'emails[type eq "other"].value'],
      [{ value: "boss" }, "replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"],
      [undefined, "remove", "emails[primary eq true]"],
    ]);
  });

  it("ignores a path-less id when no resource id is given to compare with", () => {
    const ops = normalizePatchRequest(
      { Operations: [{ op: "replace", value: { id: "whatever", displayName: "x" } }] },
      "Group",
    );
    expect(ops.map((o) => o.path)).toEqual(["displayName"]);
  });
});
