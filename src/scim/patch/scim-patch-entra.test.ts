import { describe, expect, it } from "vitest";
import { ENTERPRISE, entraUser, patchBody, patchGroup, patchUser } from "./patch-test-support.js";

// Request shapes from Microsoft Learn (ENTRA-TUT, ENTRA-KI), Entra's validation tests and Postman collection.
describe("Entra ID user PATCH", () => {
  it("deactivates a user sent Replace active with the string False", () => {
    const user = patchUser(entraUser(), patchBody({ op: "Replace", path: "active", value: "False" }));
    expect(user.active).toBe(false);
  });

  it("restores a user sent Replace active with the string True", () => {
    const inactive = { ...entraUser(), active: false };
    expect(patchUser(inactive, patchBody({ op: "Replace", path: "active", value: "True" })).active).toBe(true);
  });

  it("accepts the compliant lowercase form sent with aadOptscim062020", () => {
    expect(patchUser(entraUser(), patchBody({ op: "replace", path: "active", value: false })).active).toBe(false);
  });

  it("updates the work email and the family name in one request", () => {
    const user = patchUser(
      entraUser(),
      patchBody(
        { op: "Replace", path: 'emails[type eq "work"].value', value: "updatedEmail@microsoft.com" },
        { op: "Replace", path: "name.familyName", value: "updatedFamilyName" },
      ),
    );
    expect(user.emails).toEqual([{ primary: true, type: "work", value: "updatedEmail@microsoft.com" }]);
    expect(user.name).toEqual({
      formatted: "givenName familyName",
      familyName: "updatedFamilyName",
      givenName: "givenName",
    });
  });

  it("creates the work email when Replace targets a user without emails", () => {
    const { emails: _emails, ...withoutEmails } = entraUser();
    const user = patchUser(
      withoutEmails,
      patchBody({ op: "Replace", path: 'emails[type eq "work"].value', value: "new@contoso.com" }),
    );
    expect(user.emails).toEqual([{ type: "work", value: "new@contoso.com" }]);
  });

  it("creates the work email when Add targets an email list without one", () => {
    const user = patchUser(
      { ...entraUser(), emails: [{ type: "home", value: "home@example.com" }] },
      patchBody({ op: "Add", path: 'emails[type eq "work"].value', value: "work@contoso.com" }),
    );
    expect(user.emails).toEqual([
      { type: "home", value: "home@example.com" },
      { type: "work", value: "work@contoso.com" },
    ]);
  });

  it("adds a mobile number that did not exist (SCIMReferenceCode PR #48)", () => {
    const user = patchUser(
      entraUser(),
      patchBody({ op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 425 555 0100" }),
    );
    expect(user.phoneNumbers).toEqual([{ type: "mobile", value: "+1 425 555 0100" }]);
  });

  it("updates an existing mobile number in place and stores it exactly as sent", () => {
    const start = {
      ...entraUser(),
      phoneNumbers: [
        { type: "mobile", value: "1" },
        { type: "fax", value: "2" },
      ],
    };
    const user = patchUser(
      start,
      patchBody({ op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "(425) 555-0101" }),
    );
    expect(user.phoneNumbers).toEqual([
      { type: "mobile", value: "(425) 555-0101" },
      { type: "fax", value: "2" },
    ]);
  });

  it('accepts the capital V of emails[type eq "other"].Value from the attribute table', () => {
    const user = patchUser(
      entraUser(),
      patchBody({ op: "Add", path: 'emails[type eq "other"].Value', value: "other@example.com" }),
    );
    expect(user.emails).toContainEqual({ type: "other", value: "other@example.com" });
  });

  it("sets a work address postal code through a filtered path", () => {
    const user = patchUser(
      entraUser(),
      patchBody({ op: "Add", path: 'addresses[type eq "work"].postalCode', value: "98052" }),
    );
    expect(user.addresses).toEqual([{ type: "work", postalCode: "98052" }]);
  });

  it("applies a path-less replace whose value has dotted and URN-qualified keys", () => {
    const user = patchUser(
      entraUser(),
      patchBody(
        { op: "replace", path: 'emails[type eq "work"].value', value: "flag@contoso.com" },
        {
          op: "replace",
          value: {
            displayName: "Barbara Jensen",
            "name.givenName": "Barbara",
            "name.familyName": "Jensen",
            [`${ENTERPRISE}:employeeNumber`]: "701984",
          },
        },
      ),
    );
    expect(user).toMatchObject({
      displayName: "Barbara Jensen",
      name: { formatted: "givenName familyName", givenName: "Barbara", familyName: "Jensen" },
      emails: [{ primary: true, type: "work", value: "flag@contoso.com" }],
      [ENTERPRISE]: { employeeNumber: "701984" },
    });
    expect(user).not.toHaveProperty(["name.givenName"]);
  });

  it("replaces externalId and the URN-prefixed employeeNumber path one operation each", () => {
    const user = patchUser(
      entraUser(),
      patchBody(
        { op: "Replace", path: "externalId", value: "jyoung" },
        { op: "Replace", path: `${ENTERPRISE}:employeeNumber`, value: "42" },
        { op: "Add", path: "nickName", value: "Babs" },
      ),
    );
    expect(user).toMatchObject({ externalId: "jyoung", nickName: "Babs", [ENTERPRISE]: { employeeNumber: "42" } });
  });

  it("stores a manager sent as a plain string in the RFC complex form", () => {
    const user = patchUser(
      entraUser(),
      patchBody({ op: "Add", path: `${ENTERPRISE}:manager`, value: "01JD3MANAGER0000000000001" }),
    );
    expect(user[ENTERPRISE]).toEqual({ manager: { value: "01JD3MANAGER0000000000001" } });
  });

  it("changes the manager wholesale, dropping the previous manager's $ref", () => {
    const start = {
      ...entraUser(),
      [ENTERPRISE]: { department: "R&D", manager: { value: "old", $ref: "../Users/old" } },
    };
    const user = patchUser(start, patchBody({ op: "Replace", path: `${ENTERPRISE}:manager`, value: "new" }));
    expect(user[ENTERPRISE]).toEqual({ department: "R&D", manager: { value: "new" } });
  });

  it("accepts the legacy reference-code manager shape, an array with $ref", () => {
    const user = patchUser(
      entraUser(),
      patchBody({ op: "Add", path: "manager", value: [{ $ref: "../Users/26118915", value: "26118915" }] }),
    );
    expect(user[ENTERPRISE]).toEqual({ manager: { $ref: "../Users/26118915", value: "26118915" } });
  });

  it.each([
    ["empty string", ""],
    ["null", null],
    ["empty object", {}],
    ["empty value", { value: "" }],
  ])("removes the manager when Replace sends an %s (SCIM_Update_Manager_Test)", (_label, value) => {
    const start = { ...entraUser(), [ENTERPRISE]: { manager: { value: "boss" } } };
    const user = patchUser(start, patchBody({ op: "Replace", path: `${ENTERPRISE}:manager`, value }));
    expect(user).not.toHaveProperty([ENTERPRISE]);
  });

  it('removes the manager with manager[value eq "id"] and leaves a different manager alone', () => {
    const start = { ...entraUser(), [ENTERPRISE]: { department: "Sales", manager: { value: "boss" } } };
    const other = patchUser(start, patchBody({ op: "remove", path: `${ENTERPRISE}:manager[value eq "someone-else"]` }));
    expect(other[ENTERPRISE]).toEqual({ department: "Sales", manager: { value: "boss" } });
    const removed = patchUser(start, patchBody({ op: "remove", path: `${ENTERPRISE}:manager[value eq "boss"]` }));
    expect(removed[ENTERPRISE]).toEqual({ department: "Sales" });
  });

  it('clears optional attributes patched with "" and then null (SCIM_Null_Update_Test)', () => {
    const start = { ...entraUser(), title: "Engineer", [ENTERPRISE]: { department: "R&D" } };
    const cleared = patchUser(
      start,
      patchBody(
        { op: "Replace", path: "title", value: "" },
        { op: "Replace", path: `${ENTERPRISE}:department`, value: "" },
      ),
    );
    expect(cleared).not.toHaveProperty("title");
    expect(cleared).not.toHaveProperty([ENTERPRISE]);
    const again = patchUser(
      start,
      patchBody(
        { op: "Replace", path: "title", value: null },
        { op: "Replace", path: 'emails[type eq "work"].value', value: null },
      ),
    );
    expect(again).not.toHaveProperty("title");
    expect(again).not.toHaveProperty("emails");
  });

  it("treats Postman's capitalised attribute names as their canonical spelling", () => {
    const value = { Emails: [{ Primary: "True", Type: "home", Value: "h@example.com" }], Active: "False" };
    const user = patchUser(entraUser(), patchBody({ op: "Add", value }));
    expect(user.active).toBe(false);
    expect(user.emails).toEqual([
      { primary: false, type: "work", value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" },
      { primary: true, type: "home", value: "h@example.com" },
    ]);
  });
});

describe("Entra ID group PATCH", () => {
  const group = () => ({ externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", displayName: "GroupDisplayName" });

  it("renames a group with Replace displayName", () => {
    const { document, members } = patchGroup(
      group(),
      patchBody({ op: "Replace", path: "displayName", value: "1879db59-3bdf-4490-ad68-ab880a269474" }),
    );
    expect(document).toEqual({
      externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
      displayName: "1879db59-3bdf-4490-ad68-ab880a269474",
    });
    expect(members).toEqual({ replaceAll: null, add: [], remove: [] });
  });

  it("adds several members at once, ignoring $ref null", () => {
    const { members } = patchGroup(
      group(),
      patchBody({
        op: "Add",
        path: "members",
        value: [
          { $ref: null, value: "u1" },
          { $ref: null, value: "u2" },
        ],
      }),
    );
    expect(members).toEqual({ replaceAll: null, add: ["u1", "u2"], remove: [] });
  });

  it("removes only the listed members when Remove members carries a value list", () => {
    const { members } = patchGroup(
      group(),
      patchBody({ op: "Remove", path: "members", value: [{ $ref: null, value: "u1" }] }),
    );
    expect(members).toEqual({ replaceAll: null, add: [], remove: ["u1"] });
  });

  it("never empties the group when Remove members carries an empty value list", () => {
    const { members } = patchGroup(group(), patchBody({ op: "Remove", path: "members", value: [] }));
    expect(members).toEqual({ replaceAll: null, add: [], remove: [] });
  });

  it('removes a member with the compliant members[value eq "id"] form', () => {
    const { members } = patchGroup(group(), patchBody({ op: "remove", path: 'members[value eq "u7"]' }));
    expect(members).toEqual({ replaceAll: null, add: [], remove: ["u7"] });
  });

  it("accepts member values given as bare strings (Postman collection)", () => {
    expect(patchGroup(group(), patchBody({ op: "Add", path: "members", value: "string id 1" })).members.add).toEqual([
      "string id 1",
    ]);
    expect(patchGroup(group(), patchBody({ op: "Add", path: "members", value: ["a", "b"] })).members.add).toEqual([
      "a",
      "b",
    ]);
    expect(patchGroup(group(), patchBody({ op: "Add", path: "members", value: [{ value: "c" }] })).members.add).toEqual(
      ["c"],
    );
  });
});
