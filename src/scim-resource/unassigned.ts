/** RFC 7643 §2.5: null and "" mean "unassigned"; drop them so they never shadow stored values. */
export function isUnassigned(value: unknown): boolean {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}
