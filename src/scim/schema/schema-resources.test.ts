import { describe, expect, it } from "vitest";
import { canonicalAttributeName } from "./canonical-attribute-name.js";
import { resourceTypeResource, resourceTypeResources, schemaResource, schemaResources } from "./schema-resources.js";
import type { AttributeDefinition } from "./schema-types.js";

const BASE = "https://roster.example.com/scim/v2/dir_1";
const CHARACTERISTICS = [
  "name",
  "type",
  "multiValued",
  "description",
  "required",
  "caseExact",
  "mutability",
  "returned",
  "uniqueness",
];

function walk(attributes: readonly AttributeDefinition[]): AttributeDefinition[] {
  return attributes.flatMap((a) => [a, ...walk(a.subAttributes ?? [])]);
}

describe("/Schemas resources (RFC 7643 §7)", () => {
  it("serves the core User, enterprise User and Group schemas with meta", () => {
    const schemas = schemaResources(BASE);
    expect(schemas.map((s) => s.id)).toEqual([
      "urn:ietf:params:scim:schemas:core:2.0:User",
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
      "urn:ietf:params:scim:schemas:core:2.0:Group",
    ]);
    expect(schemas[0]?.meta).toEqual({
      resourceType: "Schema",
      location: `${BASE}/Schemas/urn:ietf:params:scim:schemas:core:2.0:User`,
    });
  });

  it("contains no nulls and gives every attribute every RFC 7643 §7 characteristic", () => {
    const json = JSON.stringify(schemaResources(BASE));
    expect(json).not.toContain("null");
    for (const schema of schemaResources(BASE)) {
      for (const a of walk(schema.attributes)) {
        expect(Object.keys(a)).toEqual(expect.arrayContaining(CHARACTERISTICS));
        expect(a.type === "complex").toBe(a.subAttributes !== undefined);
        expect(a.type === "reference").toBe(a.referenceTypes !== undefined);
      }
    }
  });

  it("tells the truth about password, groups, userName and members", () => {
    expect(canonicalAttributeName("User", "password")?.definition).toMatchObject({
      mutability: "writeOnly",
      returned: "never",
    });
    expect(canonicalAttributeName("User", "groups")?.definition).toMatchObject({
      mutability: "readOnly",
      multiValued: true,
    });
    expect(canonicalAttributeName("User", "groups.value")?.definition).toMatchObject({ mutability: "readOnly" });
    expect(canonicalAttributeName("User", "userName")?.definition).toMatchObject({
      required: true,
      caseExact: false,
      uniqueness: "server",
    });
    expect(canonicalAttributeName("Group", "members")?.definition).toMatchObject({
      mutability: "readWrite",
      multiValued: true,
      type: "complex",
    });
    expect(canonicalAttributeName("Group", "members.value")?.definition).toMatchObject({
      mutability: "immutable",
      caseExact: true,
    });
    expect(canonicalAttributeName("User", "emails.type")?.definition.canonicalValues).toEqual([
      "work",
      "home",
      "other",
    ]);
  });

  it("finds one schema by URN, case-insensitively", () => {
    expect(schemaResource(BASE, "URN:ietf:params:scim:schemas:core:2.0:group")?.name).toBe("Group");
    expect(schemaResource(BASE, "urn:example:nope")).toBeUndefined();
  });
});

describe("/ResourceTypes resources (RFC 7643 §6)", () => {
  it("serves User with the enterprise extension and Group", () => {
    expect(resourceTypeResources(BASE)).toEqual([
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        id: "User",
        name: "User",
        endpoint: "/Users",
        description: "User Account",
        schema: "urn:ietf:params:scim:schemas:core:2.0:User",
        schemaExtensions: [{ schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", required: false }],
        meta: { resourceType: "ResourceType", location: `${BASE}/ResourceTypes/User` },
      },
      {
        schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
        id: "Group",
        name: "Group",
        endpoint: "/Groups",
        description: "Group",
        schema: "urn:ietf:params:scim:schemas:core:2.0:Group",
        schemaExtensions: [],
        meta: { resourceType: "ResourceType", location: `${BASE}/ResourceTypes/Group` },
      },
    ]);
    expect(resourceTypeResource(BASE, "group")?.id).toBe("Group");
  });
});
