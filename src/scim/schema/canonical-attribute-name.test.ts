import { describe, expect, it } from "vitest";
import { canonicalAttributeName } from "./canonical-attribute-name.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

describe("canonicalAttributeName", () => {
  it.each([
    ["Active", "active"],
    ["USERNAME", "userName"],
    ["name.givenName", "name.givenName"],
    ["Name.FamilyName", "name.familyName"],
    ["emails.Value", "emails.value"],
    ["externalid", "externalId"],
    ["ID", "id"],
    ["meta.lastmodified", "meta.lastModified"],
    ["urn:ietf:params:scim:schemas:core:2.0:User:userName", "userName"],
    ["URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:name.givenName", "name.givenName"],
    [`${ENTERPRISE}:manager`, `${ENTERPRISE}:manager`],
    [`${ENTERPRISE}:Manager.Value`, `${ENTERPRISE}:manager.value`],
    [`${ENTERPRISE.toLowerCase()}:employeenumber`, `${ENTERPRISE}:employeeNumber`],
    ["department", `${ENTERPRISE}:department`],
  ])("resolves %s on a User to %s", (name, path) => {
    expect(canonicalAttributeName("User", name)?.path).toBe(path);
  });

  it("returns the definition and its owning schema", () => {
    const manager = canonicalAttributeName("User", `${ENTERPRISE}:manager.value`);
    expect(manager).toMatchObject({
      schema: ENTERPRISE,
      extension: true,
      attribute: { name: "manager", type: "complex" },
      definition: { name: "value" },
    });
    expect(canonicalAttributeName("User", "active")?.definition).toMatchObject({ type: "boolean", multiValued: false });
  });

  it("resolves Group attributes only on a Group", () => {
    expect(canonicalAttributeName("Group", "Members")?.path).toBe("members");
    expect(canonicalAttributeName("Group", "displayname")?.definition).toMatchObject({
      required: true,
      uniqueness: "server",
    });
    expect(canonicalAttributeName("User", "members")).toBeUndefined();
    expect(canonicalAttributeName("Group", "userName")).toBeUndefined();
  });

  it.each([
    "favoriteColor",
    "name.nickname",
    "name.givenName.x",
    'emails[type eq "work"]',
    "urn:example:custom:2.0:User:foo",
    ENTERPRISE,
    "",
    "userName.",
  ])("returns undefined for %s", (name) => {
    expect(canonicalAttributeName("User", name)).toBeUndefined();
  });
});
