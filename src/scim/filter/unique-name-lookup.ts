import type { FilterResource } from "./compile-filter.js";
import type { Filter } from "./parse-filter.js";

/** Per resource, the attribute unique per directory (case-insensitively): userName, a group's displayName. */
const UNIQUE: Record<FilterResource, RegExp> = {
  User: /^(urn:ietf:params:scim:schemas:core:2\.0:user:)?username$/i,
  Group: /^(urn:ietf:params:scim:schemas:core:2\.0:group:)?displayname$/i,
};

/**
 * The value a filter asks for when it is exactly `userName eq "<text>"` (users) or
 * `displayName eq "<text>"` (groups): what Entra ID and Okta send to find a resource before
 * creating it. That attribute is unique per directory, so the filter matches at most one resource
 * and needs no count. Null for any other filter.
 */
export function uniqueNameEquals(filter: Filter, resource: FilterResource): string | null {
  if (filter.op !== "eq" || !("compValue" in filter)) return null;
  return UNIQUE[resource].test(filter.attrPath) && typeof filter.compValue === "string" ? filter.compValue : null;
}
