/** JSON as SCIM resources carry it: what the PATCH engine edits and the document readers keep. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * A user resource as an IdP sends it, WITHOUT `id` and `meta`: `userName`, `name{…}`,
 * `displayName`, `emails[]`, `active`, the enterprise extension under its URN key, and anything else.
 */
export type ScimUserDocument = JsonObject;

/** A group resource WITHOUT `id`, `meta` and `members` (membership travels as a `MemberChange`). */
export type ScimGroupDocument = JsonObject;
