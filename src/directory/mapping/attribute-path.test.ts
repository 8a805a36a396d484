import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAttributePath } from "./attribute-path.js";
import { checkAttributeMapping, compileAttributeMapping, customAttributesOf } from "./attribute-mapping.js";
import { readAttribute } from "./read-attribute.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const raw = {
  userName: "ada@acme.com",
  title: "Engineer",
  name: { givenName: "Ada", familyName: "Lovelace" },
  emails: [
    { value: "ada@acme.com", type: "work", primary: "True" },
    { value: "ada@home.org", type: "home" },
  ],
  phoneNumbers: [{ type: "Work", value: "+1 555 0199" }],
  [ENTERPRISE]: { department: "Engineering", manager: { value: "mgr-1", displayName: "Grace" } },
  "urn:example:custom:2.0:User:badge": "B-7",
  "cost center": "flat",
};

function read(path: string): unknown {
  const parsed = parseAttributePath(path);
  if (!parsed.ok) throw new Error(parsed.error);
  return readAttribute(raw, parsed.value);
}

describe("source attribute paths", () => {
  it("reads plain and dotted core attributes", () => {
    expect(read("title")).toBe("Engineer");
    expect(read("name.familyName")).toBe("Lovelace");
    expect(read(`urn:ietf:params:scim:schemas:core:2.0:User:name.givenName`)).toBe("Ada");
  });

  it("reads enterprise extension attributes by their URN-prefixed path", () => {
    expect(read(`${ENTERPRISE}:department`)).toBe("Engineering");
    expect(read(`${ENTERPRISE}:manager.displayName`)).toBe("Grace");
  });

  it("falls back to a key holding the whole URN path, as flattened sources send it", () => {
    expect(read("urn:example:custom:2.0:User:badge")).toBe("B-7");
  });

  it("picks the first element a value filter matches, comparing case-insensitively", () => {
    expect(read('phoneNumbers[type eq "work"].value')).toBe("+1 555 0199");
    expect(read("emails[primary eq true].value")).toBe("ada@acme.com");
    expect(read('emails[type eq "other"].value')).toBeNull();
  });

  it("gives every value of a multi-valued attribute read without a filter", () => {
    expect(read("emails.value")).toEqual(["ada@acme.com", "ada@home.org"]);
  });

  it("matches attribute names case-insensitively and answers null for what is absent", () => {
    expect(read("NAME.GIVENNAME")).toBe("Ada");
    expect(read("nickName")).toBeNull();
    expect(read(`${ENTERPRISE}:division`)).toBeNull();
  });

  it("refuses malformed paths with a reason", () => {
    for (const bad of [
      "",
      "a..b",
      "1abc",
      "emails[type eq]",
      'emails[type eq "x"',
      'emails[type co "x"]',
      "urn::x",
      "cost center",
      "a.b.c.d.e.f.g.h.i",
    ]) {
      const parsed = parseAttributePath(bad);
      expect(parsed.ok, bad).toBe(false);
    }
  });

  it("never throws, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const parsed = parseAttributePath(text);
        if (parsed.ok) expect(() => readAttribute(raw, parsed.value)).not.toThrow();
      }),
    );
  });

  it("keeps dots and brackets inside a quoted filter value", () => {
    const parsed = parseAttributePath('emails[value eq "ada@home.org"].type');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(readAttribute(raw, parsed.value)).toBe("home");
    expect(parseAttributePath('emails[value eq "a]b.c"].type').ok).toBe(true);
  });
});

describe("attribute mappings", () => {
  it("computes every mapped name, null where the source sent nothing", () => {
    const checked = checkAttributeMapping({ department: `${ENTERPRISE}:department`, nick: "nickName" });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(customAttributesOf(raw, compileAttributeMapping(checked.value))).toEqual({
      department: "Engineering",
      nick: null,
    });
  });

  it("reports each bad entry under its own field", () => {
    const checked = checkAttributeMapping({ "bad name": "title", ok: "title", broken: "a[" });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.errors.map((e) => [e.field, e.code])).toEqual([
      ["attribute_mapping.bad name", "invalid_name"],
      ["attribute_mapping.broken", "invalid_path"],
    ]);
  });
});
