import { createScimError } from "./errors.js";

/**
 * The shapes a list parameter may arrive in, read strictly: a query string repeats a parameter as
 * an array (`?filter=a&filter=b`), and a `.search` body may hold any JSON. RFC 7644 §3.4.2 and
 * §3.4.3 give each parameter one value of one type; anything else is the client's mistake (400).
 */

function invalid(detail: string): never {
  throw createScimError(400, { detail, scimType: "invalidValue" });
}

/** One string, or undefined when absent. */
export function singleText(name: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  if (Array.isArray(value)) invalid(`${name} must be given once`);
  return invalid(`${name} must be a string`);
}

/** One integer as a number or decimal text, or undefined when absent or "". */
export function singleInteger(name: string, value: unknown): number | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  if (Array.isArray(value)) invalid(`${name} must be given once`);
  return invalid(`${name} must be an integer`);
}

/** `attributes` of a `.search` body: an array of attribute names (RFC 7644 §3.4.3), or one comma-separated string. */
export function attributeNames(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null || typeof value === "string") return value ?? undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value.join(",");
  return invalid(`${name} must be an array of attribute names`);
}
