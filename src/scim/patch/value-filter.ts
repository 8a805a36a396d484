import type { Filter } from "scim2-parse-filter";
import { type AttributeDefinition, findAttribute } from "../schema/index.js";
import type { JsonObject, JsonValue } from "./patch-types.js";

type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "lt" | "ge" | "le";

function isUnassigned(value: JsonValue | undefined): boolean {
  return value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0);
}

function compareOrdered(actual: string | number, op: CompareOp, expected: string | number): boolean {
  switch (op) {
    case "eq":
      return actual === expected;
    case "ne":
      return actual !== expected;
    case "gt":
      return actual > expected;
    case "ge":
      return actual >= expected;
    case "lt":
      return actual < expected;
    case "le":
      return actual <= expected;
    default:
      return typeof actual === "string" && typeof expected === "string" && compareText(actual, op, expected);
  }
}

function compareText(actual: string, op: "co" | "sw" | "ew", expected: string): boolean {
  if (op === "co") return actual.includes(expected);
  return op === "sw" ? actual.startsWith(expected) : actual.endsWith(expected);
}

/** RFC 7644 §3.4.2.2: string comparisons honour the sub-attribute's caseExact. */
function compare(
  actual: JsonValue | undefined,
  op: CompareOp,
  expected: boolean | null | number | string,
  caseExact: boolean,
): boolean {
  if (expected === null) return op === "eq" ? isUnassigned(actual) : op === "ne" && !isUnassigned(actual);
  if (typeof actual === "string" && typeof expected === "string") {
    return caseExact
      ? compareOrdered(actual, op, expected)
      : compareOrdered(actual.toLowerCase(), op, expected.toLowerCase());
  }
  if (typeof actual === "number" && typeof expected === "number") return compareOrdered(actual, op, expected);
  if (typeof actual === "boolean" && typeof expected === "boolean")
    return op === "eq" ? actual === expected : op === "ne" && actual !== expected;
  return op === "ne";
}

/**
 * Evaluates a canonical value filter against one complex value. scim-patch's evaluator (from
 * scim2-parse-filter) compares case-sensitively, so `type eq "Work"` would miss "work".
 */
export function matchesFilter(element: JsonObject, filter: Filter, attribute: AttributeDefinition): boolean {
  switch (filter.op) {
    case "and":
      return filter.filters.every((f) => matchesFilter(element, f, attribute));
    case "or":
      return filter.filters.some((f) => matchesFilter(element, f, attribute));
    case "not":
      return !matchesFilter(element, filter.filter, attribute);
    case "[]":
      return false;
    case "pr":
      return !isUnassigned(element[filter.attrPath]);
    default: {
      const caseExact = findAttribute(attribute.subAttributes, filter.attrPath)?.caseExact ?? false;
      return compare(element[filter.attrPath], filter.op, filter.compValue, caseExact);
    }
  }
}
