import { describe, expect, it } from "vitest";
import { redactBody } from "./redact.js";

describe("a request body kept in the log", () => {
  it("is the body's JSON as sent when no key looks secret", () => {
    const body = {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName: "ada@x.com",
      emails: [{ value: "ada@x.com", primary: true }],
      name: { givenName: "Ada" },
      active: true,
    };
    expect(redactBody(body)).toBe(JSON.stringify(body));
  });

  it("hides a secret-looking key's value at any depth, in arrays too", () => {
    const body = {
      userName: "ada",
      password: "hunter2",
      extension: { nested: [{ apiKey: "k1" }, { ok: 1 }] },
      Operations: [{ op: "replace", value: { clientSecret: "s" } }],
    };
    const kept = redactBody(body) ?? "";
    expect(JSON.parse(kept)).toEqual({
      userName: "ada",
      password: "[redacted]",
      extension: { nested: [{ apiKey: "[redacted]" }, { ok: 1 }] },
      Operations: [{ op: "replace", value: { clientSecret: "[redacted]" } }],
    });
    expect(kept).not.toMatch(/hunter2|k1|"s"/);
  });

  it("cuts a body nested past 64 levels there", () => {
    let body: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 70; i++) body = { a: body };
    expect(redactBody(body)).toContain('"[too deep]"');
  });
});
