import { attribute, complex } from "./attribute-builders.js";

/** RFC 7643 §3.1: `id` is issued by the service provider, case-exact and always returned. */
export const ID_ATTRIBUTE = attribute("id", "A unique identifier for the resource, issued by the service provider.", {
  caseExact: true,
  mutability: "readOnly",
  returned: "always",
  uniqueness: "server",
});

/** RFC 7643 §3.1: `externalId` is the provisioning client's identifier, case-exact. */
export const EXTERNAL_ID_ATTRIBUTE = attribute(
  "externalId",
  "An identifier for the resource as defined by the provisioning client.",
  { caseExact: true },
);

/** RFC 7643 §3.1: `meta` is maintained by the service provider only. */
export const META_ATTRIBUTE = complex(
  "meta",
  "Resource metadata maintained by the service provider.",
  [
    attribute("resourceType", "The name of the resource type of the resource.", {
      caseExact: true,
      mutability: "readOnly",
    }),
    attribute("created", "When the resource was added to the service provider.", {
      type: "dateTime",
      mutability: "readOnly",
    }),
    attribute("lastModified", "When the resource was last updated.", { type: "dateTime", mutability: "readOnly" }),
    attribute("location", "The URI of the resource being returned.", {
      type: "reference",
      referenceTypes: ["uri"],
      caseExact: true,
      mutability: "readOnly",
    }),
    attribute("version", "The version (ETag) of the resource.", { caseExact: true, mutability: "readOnly" }),
  ],
  { mutability: "readOnly" },
);
