import { describe, expect, it } from "vitest";
import { normalizePatchRequest } from "./normalize-patch-request.js";
import {
  CORE_USER,
  deepFreeze,
  ENTERPRISE,
  expectScimError,
  patchBody,
  patchGroup,
  patchUser,
} from "./patch-test-support.js";
import type { ScimUserDocument } from "./patch-types.js";
import { applyUserPatch } from "./user-patch.js";

// RFC 7644 §3.5.2 examples and edge cases, on the RFC 7643 §8.2 "Babs Jensen" user.
const NAME = { formatted: "Ms. Barbara J Jensen, III", familyName: "Jensen", givenName: "Barbara" };
const WORK_EMAIL = { value: "bjensen@example.com", type: "work", primary: true };
const HOME_EMAIL = { value: "babs@jensen.org", type: "home" };
const babs = (): ScimUserDocument =>
  structuredClone({
    schemas: [CORE_USER],
    userName: "bjensen@example.com",
    name: NAME,
    emails: [WORK_EMAIL, HOME_EMAIL],
    title: "Tour Guide",
    nickName: "Babs",
  });

describe("RFC 7644 §3.5.2.1 add", () => {
  it("appends values to a multi-valued attribute and skips exact duplicates", () => {
    const value = [HOME_EMAIL, { value: "b@x.org", type: "other" }];
    const user = patchUser(babs(), patchBody({ op: "add", path: "emails", value }));
    expect(user.emails).toEqual([WORK_EMAIL, HOME_EMAIL, { value: "b@x.org", type: "other" }]);
  });

  it("accepts a single object for a multi-valued attribute as a one-element list", () => {
    expect(
      patchUser(babs(), patchBody({ op: "add", path: "emails", value: { value: "b@x.org" } })).emails,
    ).toHaveLength(3);
  });

  it("adds a path-less value's attributes (the RFC example)", () => {
    const user = patchUser(
      babs(),
      patchBody({ op: "add", value: { emails: [{ value: "babs@jensen.org", type: "home" }], nickname: "Babs J" } }),
    );
    expect(user).toMatchObject({ nickName: "Babs J", emails: [WORK_EMAIL, HOME_EMAIL] });
  });
});

describe("RFC 7644 §3.5.2.2 remove", () => {
  it("removes only the values a value filter selects", () => {
    const user = patchUser(babs(), patchBody({ op: "remove", path: 'emails[type eq "home"]' }));
    expect(user.emails).toEqual([WORK_EMAIL]);
  });

  it("leaves the attribute unassigned when the last value is removed", () => {
    const user = patchUser(babs(), patchBody({ op: "remove", path: 'emails[type eq "home" or type eq "work"]' }));
    expect(user).not.toHaveProperty("emails");
  });

  it("removes a whole attribute, single- or multi-valued", () => {
    const user = patchUser(
      babs(),
      patchBody(
        { op: "remove", path: "emails" },
        { op: "remove", path: "title" },
        { op: "remove", path: "name.givenName" },
      ),
    );
    expect(user).toEqual({
      schemas: [CORE_USER],
      userName: "bjensen@example.com",
      name: { formatted: "Ms. Barbara J Jensen, III", familyName: "Jensen" },
      nickName: "Babs",
    });
  });

  it("does nothing when the removed attribute or value is absent", () => {
    const user = patchUser(
      babs(),
      patchBody(
        { op: "remove", path: "phoneNumbers" },
        { op: "remove", path: `${ENTERPRISE}:department` },
        { op: "remove", path: 'emails[type eq "fax"]' },
      ),
    );
    expect(user).toEqual(babs());
  });

  it("refuses a remove without a path with noTarget", () => {
    expectScimError(() => normalizePatchRequest(patchBody({ op: "remove" }), "User"), "noTarget");
  });

  it("refuses to remove or blank the required userName with mutability", () => {
    expectScimError(() => normalizePatchRequest(patchBody({ op: "remove", path: "userName" }), "User"), "mutability");
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "replace", path: "userName", value: "" }), "User"),
      "mutability",
    );
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "replace", value: { displayName: null } }), "Group"),
      "mutability",
    );
  });
});

describe("RFC 7644 §3.5.2.3 replace", () => {
  it("replaces attributes given in a path-less value and leaves the rest", () => {
    const user = patchUser(
      babs(),
      patchBody({ op: "replace", value: { title: "Guide", name: { givenName: "Babs" } } }),
    );
    expect(user).toEqual({ ...babs(), title: "Guide", name: { ...NAME, givenName: "Babs" } });
  });

  it("replaces every value of a multi-valued attribute", () => {
    const user = patchUser(
      babs(),
      patchBody({ op: "replace", path: "emails", value: [{ value: "only@x.org", type: "work" }] }),
    );
    expect(user.emails).toEqual([{ value: "only@x.org", type: "work" }]);
  });

  it("compares value filters by the sub-attribute's caseExact (type is case-insensitive)", () => {
    const user = patchUser(
      babs(),
      patchBody({ op: "replace", path: 'emails[type eq "WORK"].value', value: "new@example.com" }),
    );
    expect(user.emails).toEqual([{ value: "new@example.com", type: "work", primary: true }, HOME_EMAIL]);
  });

  it("answers noTarget when a non-equality filter matches nothing", () => {
    expectScimError(
      () => patchUser(babs(), patchBody({ op: "replace", path: 'emails[value sw "zzz"].type', value: "other" })),
      "noTarget",
    );
  });

  it("keeps one primary value: the one just set wins (RFC 7643 §2.4)", () => {
    const user = patchUser(babs(), patchBody({ op: "replace", path: 'emails[type eq "home"].primary', value: true }));
    expect(user.emails).toEqual([
      { value: "bjensen@example.com", type: "work", primary: false },
      { value: "babs@jensen.org", type: "home", primary: true },
    ]);
  });
});

describe("RFC 7644 §3.5.2 atomicity and errors", () => {
  it("leaves the document unchanged when the second operation fails", () => {
    const user = deepFreeze(babs());
    const ops = normalizePatchRequest(
      patchBody(
        { op: "replace", path: "title", value: "Changed" },
        { op: "replace", path: 'emails[value sw "none"].type', value: "x" },
      ),
      "User",
    );
    expectScimError(() => applyUserPatch(user, ops), "noTarget");
    expect(user).toEqual(babs());
  });

  it("refuses an unknown attribute in a path with invalidPath", () => {
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "replace", path: "favoriteColor", value: "red" }), "User"),
      "invalidPath",
    );
    expectScimError(
      () =>
        normalizePatchRequest(patchBody({ op: "replace", path: 'emails[colour eq "red"].value', value: "x" }), "User"),
      "invalidPath",
    );
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "add", path: "urn:example:custom:User:x", value: "x" }), "User"),
      "invalidPath",
    );
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "add", path: "members", value: [{ value: "u" }] }), "User"),
      "invalidPath",
    );
  });

  it("ignores unknown attributes inside a path-less value, as a PUT does", () => {
    expect(patchUser(babs(), patchBody({ op: "replace", value: { favoriteColor: "red", title: "Guide" } }))).toEqual({
      ...babs(),
      title: "Guide",
    });
  });

  it("refuses changes to id, meta and the readOnly groups with mutability", () => {
    for (const path of ["id", "meta.lastModified", "meta", "groups"]) {
      expectScimError(
        () => normalizePatchRequest(patchBody({ op: "replace", path, value: "x" }), "User"),
        "mutability",
      );
    }
  });

  it("refuses values of the wrong type with invalidValue", () => {
    const cases = [
      { op: "replace", path: "active", value: "yes" },
      { op: "replace", path: "userName", value: 42 },
      { op: "add", path: "emails", value: ["not-an-object"] },
      { op: "replace", path: "name", value: "Barbara" },
    ];
    for (const op of cases) expectScimError(() => normalizePatchRequest(patchBody(op), "User"), "invalidValue");
  });

  it("refuses a filter it cannot parse with invalidFilter", () => {
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "remove", path: "emails[type eq]" }), "User"),
      "invalidFilter",
    );
  });

  it("accepts URN-qualified core attribute paths", () => {
    const user = patchUser(
      babs(),
      patchBody({ op: "replace", path: `${CORE_USER}:userName`, value: "babs@example.com" }),
    );
    expect(user.userName).toBe("babs@example.com");
  });

  it("stores canonical spellings over differently-cased keys already in the document", () => {
    const stored = { userName: "x", Active: true, Emails: [{ Value: "x@y.org", Type: "work" }] };
    const user = patchUser(stored, patchBody({ op: "replace", path: "active", value: false }));
    expect(user).toEqual({ userName: "x", active: false, emails: [{ value: "x@y.org", type: "work" }] });
  });
});

describe("RFC 7644 §3.5.2 group members", () => {
  const group = () => ({ displayName: "Tour Guides", externalId: "tg" });

  it("removes every member on a remove of members without value or filter", () => {
    expect(patchGroup(group(), patchBody({ op: "remove", path: "members" })).members).toEqual({
      replaceAll: [],
      add: [],
      remove: [],
    });
  });

  it("removes each member of an or-filter", () => {
    const { members } = patchGroup(group(), patchBody({ op: "remove", path: 'members[value eq "a" or value eq "b"]' }));
    expect(members).toEqual({ replaceAll: null, add: [], remove: ["a", "b"] });
  });

  it("refuses member filters that would need the whole member list with invalidFilter", () => {
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "remove", path: 'members[type eq "User"]' }), "Group"),
      "invalidFilter",
    );
  });

  it("refuses edits of a member's immutable sub-attributes with mutability", () => {
    expectScimError(
      () =>
        normalizePatchRequest(patchBody({ op: "replace", path: 'members[value eq "a"].value', value: "b" }), "Group"),
      "mutability",
    );
    expectScimError(
      () =>
        normalizePatchRequest(
          patchBody({ op: "replace", path: 'members[value eq "a"]', value: { value: "b" } }),
          "Group",
        ),
      "mutability",
    );
  });

  it("refuses a member without an id with invalidValue", () => {
    expectScimError(
      () => normalizePatchRequest(patchBody({ op: "add", path: "members", value: [{ display: "nobody" }] }), "Group"),
      "invalidValue",
    );
  });

  it("changes displayName and externalId in the document, never members", () => {
    const { document } = patchGroup(
      group(),
      patchBody(
        { op: "replace", value: { displayName: "Guides", externalId: "g2" } },
        { op: "add", path: "members", value: [{ value: "u" }] },
      ),
    );
    expect(document).toEqual({ displayName: "Guides", externalId: "g2" });
  });
});
