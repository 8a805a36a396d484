import { describe, expect, it } from "vitest";
import { CORE_USER, ENTERPRISE, patchBody, patchUser } from "./patch-test-support.js";

// OneLogin builds bodies from an admin-edited template: unmapped parameters become "" and booleans strings.
const oneLoginUser = () => ({
  schemas: [CORE_USER, ENTERPRISE],
  userName: "kim@example.com",
  name: { givenName: "Kim", familyName: "Lee", middleName: "J" },
  title: "Analyst",
  active: true,
  emails: [{ value: "kim@example.com", type: "work", primary: true }],
  [ENTERPRISE]: { department: "Finance" },
});

describe("OneLogin user PATCH", () => {
  it("treats empty strings in a path-less value as unassigned (RFC 7643 §2.5)", () => {
    const user = patchUser(
      oneLoginUser(),
      patchBody({
        op: "replace",
        value: {
          name: { givenName: "Kim", familyName: "Park", middleName: "" },
          title: "",
          nickName: "",
          [ENTERPRISE]: { department: "" },
        },
      }),
    );
    expect(user).toEqual({
      schemas: [CORE_USER, ENTERPRISE],
      userName: "kim@example.com",
      name: { givenName: "Kim", familyName: "Park" },
      active: true,
      emails: [{ value: "kim@example.com", type: "work", primary: true }],
    });
  });

  it.each([
    ["true", true],
    ["TRUE", true],
    ["false", false],
    ["False", false],
  ])("coerces the string boolean %s for active", (text, expected) => {
    expect(patchUser(oneLoginUser(), patchBody({ op: "replace", value: { active: text } })).active).toBe(expected);
  });

  it("coerces string booleans for a multi-valued primary", () => {
    const user = patchUser(
      oneLoginUser(),
      patchBody({ op: "add", path: "emails", value: [{ value: "kim@home.example", type: "home", primary: "true" }] }),
    );
    expect(user.emails).toEqual([
      { value: "kim@example.com", type: "work", primary: false },
      { value: "kim@home.example", type: "home", primary: true },
    ]);
  });

  it("leaves active unassigned when the template sends an empty string", () => {
    expect(patchUser(oneLoginUser(), patchBody({ op: "replace", value: { active: "" } }))).not.toHaveProperty("active");
  });

  it("reads the non-standard {managerId} manager as the manager's value", () => {
    const user = patchUser(
      oneLoginUser(),
      patchBody({ op: "replace", value: { [ENTERPRISE]: { manager: { managerId: "boss-1" } } } }),
    );
    expect(user[ENTERPRISE]).toEqual({ department: "Finance", manager: { value: "boss-1" } });
  });

  it("drops the readOnly displayName of a manager sent as {value, displayName}", () => {
    const user = patchUser(
      oneLoginUser(),
      patchBody({ op: "replace", value: { [ENTERPRISE]: { manager: { value: "boss-2", displayName: "The Boss" } } } }),
    );
    expect(user[ENTERPRISE]).toEqual({ department: "Finance", manager: { value: "boss-2" } });
  });

  it("clears the whole enterprise extension when its object is sent as an empty string", () => {
    expect(patchUser(oneLoginUser(), patchBody({ op: "replace", value: { [ENTERPRISE]: "" } }))).not.toHaveProperty([
      ENTERPRISE,
    ]);
  });
});
