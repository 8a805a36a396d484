import { URN } from "../../scim-resource/schema-urns.js";
import { attribute, complex, multiValuedComplex, multiValuedSubAttributes } from "./attribute-builders.js";
import { EXTERNAL_ID_ATTRIBUTE } from "./common-attributes.js";
import type { AttributeDefinition, SchemaDefinition } from "./schema-types.js";

const nameAttribute = complex("name", "The components of the user's real name.", [
  attribute("formatted", "The full name, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
  attribute("familyName", "The family name of the User, or last name in most Western languages."),
  attribute("givenName", "The given name of the User, or first name in most Western languages."),
  attribute("middleName", "The middle name(s) of the User."),
  attribute("honorificPrefix", "The honorific prefix(es) of the User, or title in most Western languages."),
  attribute("honorificSuffix", "The honorific suffix(es) of the User."),
]);

const addressSubAttributes = [
  attribute("formatted", "The full mailing address, formatted for display or use with a mailing label."),
  attribute("streetAddress", "The full street address component."),
  attribute("locality", "The city or locality component."),
  attribute("region", "The state or region component."),
  attribute("postalCode", "The zip code or postal code component."),
  attribute("country", "The country name component."),
  attribute("type", "A label indicating the attribute's function, e.g., 'work' or 'home'.", {
    canonicalValues: ["work", "home", "other"],
  }),
  attribute("primary", "A Boolean value indicating the preferred mailing address.", { type: "boolean" }),
];

/** RFC 7643 §4.1.2 and §8.7.1: `groups` is computed by the service provider, never written by clients. */
const groupsAttribute = multiValuedComplex(
  "groups",
  "A list of groups to which the user belongs, either through direct membership or nested groups.",
  [
    attribute("value", "The identifier of the User's group.", { caseExact: true, mutability: "readOnly" }),
    attribute("$ref", "The URI of the corresponding 'Group' resource.", {
      type: "reference",
      referenceTypes: ["Group"],
      mutability: "readOnly",
    }),
    attribute("display", "A human-readable name, primarily used for display purposes.", { mutability: "readOnly" }),
    attribute("type", "A label indicating the membership, 'direct' or 'indirect'.", {
      canonicalValues: ["direct", "indirect"],
      mutability: "readOnly",
    }),
  ],
  { mutability: "readOnly" },
);

const multiValued: readonly AttributeDefinition[] = [
  multiValuedComplex(
    "emails",
    "Email addresses for the user.",
    multiValuedSubAttributes({ label: "email address", types: ["work", "home", "other"] }),
  ),
  multiValuedComplex(
    "phoneNumbers",
    "Phone numbers for the User.",
    multiValuedSubAttributes({ label: "phone number", types: ["work", "home", "mobile", "fax", "pager", "other"] }),
  ),
  multiValuedComplex(
    "ims",
    "Instant messaging addresses for the User.",
    multiValuedSubAttributes({
      label: "instant messaging address",
      types: ["aim", "gtalk", "icq", "xmpp", "msn", "skype", "qq", "yahoo"],
    }),
  ),
  multiValuedComplex(
    "photos",
    "URLs of photos of the User.",
    multiValuedSubAttributes({
      label: "URL of a photo of the User",
      types: ["photo", "thumbnail"],
      valueType: "reference",
      referenceTypes: ["external"],
    }),
  ),
  multiValuedComplex("addresses", "Physical mailing addresses for this User.", addressSubAttributes),
  groupsAttribute,
  multiValuedComplex(
    "entitlements",
    "A list of entitlements for the User.",
    multiValuedSubAttributes({ label: "value of an entitlement" }),
  ),
  multiValuedComplex("roles", "A list of roles for the User.", multiValuedSubAttributes({ label: "value of a role" })),
  multiValuedComplex(
    "x509Certificates",
    "A list of certificates issued to the User.",
    multiValuedSubAttributes({ label: "X.509 certificate", valueType: "binary" }),
  ),
];

/** RFC 7643 §4.1 and §8.7.1, plus `externalId` (§3.1 allows listing common attributes). */
export const CORE_USER_SCHEMA: SchemaDefinition = Object.freeze({
  id: URN.user,
  name: "User",
  description: "User Account",
  attributes: Object.freeze([
    attribute("userName", "Unique identifier for the User, used by the user to authenticate. REQUIRED.", {
      required: true,
      uniqueness: "server",
    }),
    EXTERNAL_ID_ATTRIBUTE,
    nameAttribute,
    attribute("displayName", "The name of the User, suitable for display to end-users."),
    attribute("nickName", "The casual way to address the user in real life."),
    attribute("profileUrl", "A fully qualified URL pointing to a page representing the User's online profile.", {
      type: "reference",
      referenceTypes: ["external"],
    }),
    attribute("title", "The user's title, such as 'Vice President'."),
    attribute("userType", "The relationship between the organization and the user, e.g. 'Employee'."),
    attribute("preferredLanguage", "The User's preferred written or spoken language."),
    attribute("locale", "The User's default location for localizing items such as currency."),
    attribute("timezone", "The User's time zone in the 'Olson' time zone database format."),
    attribute("active", "A Boolean value indicating the User's administrative status.", { type: "boolean" }),
    // RFC 7643 §4.1.1: accepted on input, never returned. Roster discards it (changePassword unsupported).
    attribute("password", "The User's cleartext password; accepted and discarded, never stored or returned.", {
      mutability: "writeOnly",
      returned: "never",
    }),
    ...multiValued,
  ]),
});
