/** A JSON object (not an array, not null): what a SCIM resource, a complex attribute or a message is. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
