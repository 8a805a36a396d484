import { URN } from "../../scim-resource/schema-urns.js";
import { attribute, multiValuedComplex } from "./attribute-builders.js";
import { EXTERNAL_ID_ATTRIBUTE } from "./common-attributes.js";
import type { SchemaDefinition } from "./schema-types.js";

/** RFC 7643 §4.2: members are users only here; `display` is computed from the member's userName. */
export const MEMBERS_ATTRIBUTE = multiValuedComplex("members", "A list of members of the Group.", [
  attribute("value", "Identifier of the member of this Group.", { caseExact: true, mutability: "immutable" }),
  attribute("$ref", "The URI corresponding to the member resource.", {
    type: "reference",
    referenceTypes: ["User"],
    mutability: "immutable",
  }),
  attribute("type", "A label indicating the type of resource.", { canonicalValues: ["User"], mutability: "immutable" }),
  attribute("display", "The member's userName, for display purposes.", { mutability: "readOnly" }),
]);

/**
 * RFC 7643 §4.2 and §8.7.1, told as Roster implements it: `displayName` is required and unique
 * per directory, members are users only (their `value` is a case-exact user id), and `display`
 * is computed from the member's userName, so clients cannot write it.
 */
export const GROUP_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.group,
  name: "Group",
  description: "Group",
  attributes: Object.freeze([
    attribute("displayName", "A human-readable name for the Group. REQUIRED.", {
      required: true,
      uniqueness: "server",
    }),
    EXTERNAL_ID_ATTRIBUTE,
    MEMBERS_ATTRIBUTE,
  ]),
});
