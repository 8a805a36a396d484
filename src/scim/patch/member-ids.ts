import type { Filter } from "scim2-parse-filter";
import { createScimError } from "../errors.js";
import { isPlainObject } from "./json-guards.js";
import type { JsonValue } from "./patch-types.js";

/** The user ids of a coerced `members` value (`[{value}]`); a member without a string id is 400 invalidValue. */
export function memberIds(value: JsonValue, path: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((item) => {
    const id = isPlainObject(item) ? item.value : undefined;
    if (typeof id === "string") return id;
    throw createScimError(400, {
      detail: `Invalid value for "${path}": every member needs a "value" id`,
      scimType: "invalidValue",
    });
  });
}

/**
 * The ids named by a members value filter: `value eq "x"`, or an `or` of those. Anything else would
 * need the whole member list in memory, which Roster never loads (groups reach 100,000 members).
 */
export function memberFilterIds(filter: Filter, path: string): string[] {
  if (filter.op === "or") return filter.filters.flatMap((f) => memberFilterIds(f, path));
  if (filter.op === "eq" && filter.attrPath === "value" && typeof filter.compValue === "string")
    return [filter.compValue];
  throw createScimError(400, {
    detail: `Unsupported members filter in "${path}": use members[value eq "<id>"], optionally joined with "or"`,
    scimType: "invalidFilter",
  });
}
