import { URN } from "../../scim-resource/schema-urns.js";
import { attribute, complex } from "./attribute-builders.js";
import type { SchemaDefinition } from "./schema-types.js";

/** RFC 7643 §4.3: the manager is complex (`{value, $ref, displayName}`); its displayName is computed. */
export const MANAGER_ATTRIBUTE = complex("manager", "The User's manager.", [
  attribute("value", "The id of the SCIM resource representing the User's manager."),
  attribute("$ref", "The URI of the SCIM resource representing the User's manager.", {
    type: "reference",
    referenceTypes: ["User"],
  }),
  attribute("displayName", "The displayName of the User's manager.", { mutability: "readOnly" }),
]);

/** RFC 7643 §4.3 and §8.7.1. */
export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.enterpriseUser,
  name: "EnterpriseUser",
  description: "Enterprise User",
  attributes: Object.freeze([
    attribute("employeeNumber", "Numeric or alphanumeric identifier assigned to a person by the organization."),
    attribute("costCenter", "Identifies the name of a cost center."),
    attribute("organization", "Identifies the name of an organization."),
    attribute("division", "Identifies the name of a division."),
    attribute("department", "Identifies the name of a department."),
    MANAGER_ATTRIBUTE,
  ]),
});
