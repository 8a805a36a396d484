import { describe, expect, it } from "vitest";
import { normalizePatchRequest } from "./normalize-patch-request.js";
import { CORE_USER, expectScimError, GROUP_ID, patchBody, patchGroup, patchUser } from "./patch-test-support.js";

// Request shapes from Okta's SCIM 2.0 Protocol Reference and its OIN Runscope test.
const oktaUser = () => ({
  schemas: [CORE_USER],
  userName: "test.user@okta.local",
  name: { givenName: "Test", familyName: "User" },
  emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
  displayName: "Test User",
  locale: "en-US",
  externalId: "00ujl29u0le5T6Aj10h7",
  active: true,
});

describe("Okta user PATCH", () => {
  it("deactivates with a path-less replace of {active: false}", () => {
    const user = patchUser(oktaUser(), patchBody({ op: "replace", value: { active: false } }));
    expect(user).toEqual({ ...oktaUser(), active: false });
  });

  it("reactivates with a path-less replace of {active: true}", () => {
    expect(
      patchUser({ ...oktaUser(), active: false }, patchBody({ op: "replace", value: { active: true } })).active,
    ).toBe(true);
  });

  it("accepts a password sync but never stores the password", () => {
    const user = patchUser(oktaUser(), patchBody({ op: "replace", value: { password: "t1meMa$heen" } }));
    expect(user).toEqual(oktaUser());
  });

  it("ignores the readOnly groups and meta an IdP echoes back in a path-less value", () => {
    const user = patchUser(
      oktaUser(),
      patchBody({ op: "replace", value: { groups: [], meta: { resourceType: "User" }, title: "CTO" } }),
    );
    expect(user).toEqual({ ...oktaUser(), title: "CTO" });
  });
});

describe("Okta group PATCH", () => {
  const group = () => ({ displayName: "Test SCIMv2" });

  it("renames a group whose value carries its own readOnly id", () => {
    const { document, members } = patchGroup(
      group(),
      patchBody({ op: "replace", value: { id: GROUP_ID, displayName: "Test SCIMv2 renamed" } }),
    );
    expect(document).toEqual({ displayName: "Test SCIMv2 renamed" });
    expect(members).toEqual({ replaceAll: null, add: [], remove: [] });
  });

  it("refuses a rename whose value carries a different id", () => {
    const body = patchBody({ op: "replace", value: { id: "another-group", displayName: "Hijack" } });
    expectScimError(() => normalizePatchRequest(body, "Group", { resourceId: GROUP_ID }), "mutability");
  });

  it("removes and adds members in one request, ignoring display", () => {
    const { members } = patchGroup(
      group(),
      patchBody(
        { op: "replace", value: { id: GROUP_ID, displayName: "Test SCIMv2" } },
        { op: "remove", path: 'members[value eq "00u1"]' },
        { op: "add", path: "members", value: [{ value: "00u2", display: "user2@okta.local" }] },
      ),
    );
    expect(members).toEqual({ replaceAll: null, add: ["00u2"], remove: ["00u1"] });
  });

  it("resolves a member removed and re-added in the same request in operation order", () => {
    const { members } = patchGroup(
      group(),
      patchBody(
        { op: "remove", path: 'members[value eq "00u1"]' },
        { op: "add", path: "members", value: [{ value: "00u1" }] },
      ),
    );
    expect(members).toEqual({ replaceAll: null, add: ["00u1"], remove: [] });
    const reversed = patchGroup(
      group(),
      patchBody(
        { op: "add", path: "members", value: [{ value: "00u1" }] },
        { op: "remove", path: 'members[value eq "00u1"]' },
      ),
    );
    expect(reversed.members).toEqual({ replaceAll: null, add: [], remove: ["00u1"] });
  });

  it("turns a full push (replace members) into a replacement list", () => {
    const value = [
      { value: "00u1", display: "a" },
      { value: "00u2", display: "b" },
    ];
    const { members } = patchGroup(group(), patchBody({ op: "replace", path: "members", value }));
    expect(members).toEqual({ replaceAll: ["00u1", "00u2"], add: [], remove: [] });
  });

  it("empties the group on replace members []", () => {
    const { members } = patchGroup(group(), patchBody({ op: "replace", path: "members", value: [] }));
    expect(members).toEqual({ replaceAll: [], add: [], remove: [] });
  });

  it("treats a members key in a path-less value like the members path", () => {
    const { document, members } = patchGroup(
      group(),
      patchBody({ op: "replace", value: { displayName: "Renamed", members: [{ value: "00u9" }] } }),
    );
    expect(document).toEqual({ displayName: "Renamed" });
    expect(members).toEqual({ replaceAll: ["00u9"], add: [], remove: [] });
  });

  it("folds adds after a full push into the replacement list", () => {
    const { members } = patchGroup(
      group(),
      patchBody(
        { op: "replace", path: "members", value: [{ value: "a" }, { value: "b" }] },
        { op: "add", path: "members", value: [{ value: "c" }] },
        { op: "remove", path: 'members[value eq "a"]' },
      ),
    );
    expect(members).toEqual({ replaceAll: ["b", "c"], add: [], remove: [] });
  });
});
