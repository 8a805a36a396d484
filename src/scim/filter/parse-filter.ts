import { type Filter, parse } from "scim2-parse-filter";
import { invalidFilter, quoted } from "./filter-error.js";
import { prepareFilterText } from "./filter-text.js";

export type { AttrExp, Compare, Filter, LogExp, NotFilter, Suffix, ValuePath } from "scim2-parse-filter";

function restoreValues(filter: Filter, values: readonly string[]): Filter {
  switch (filter.op) {
    case "and":
    case "or":
      return { op: filter.op, filters: filter.filters.map((f) => restoreValues(f, values)) };
    case "not":
      return { op: "not", filter: restoreValues(filter.filter, values) };
    case "[]":
      return { op: "[]", attrPath: filter.attrPath, valFilter: restoreValues(filter.valFilter, values) };
    case "pr":
      return { op: "pr", attrPath: filter.attrPath };
    default: {
      const { compValue } = filter;
      const restored = typeof compValue === "string" ? values[Number(compValue)] : compValue;
      if (restored === undefined) throw new Error(`filter placeholder ${compValue} has no value`);
      return { op: filter.op, attrPath: filter.attrPath, compValue: restored };
    }
  }
}

/**
 * Comparisons (and `pr` tests) one filter may hold. IdPs send one or two; the bound keeps a filter
 * that fits in `MAX_FILTER_LENGTH` from compiling to hundreds of subqueries scanning the directory.
 */
export const MAX_FILTER_TERMS = 100;

function countTerms(filter: Filter): number {
  let terms = 0;
  const stack: Filter[] = [filter];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.op === "and" || node.op === "or") stack.push(...node.filters);
    else if (node.op === "not") stack.push(node.filter);
    else if (node.op === "[]") stack.push(node.valFilter);
    else terms++;
  }
  return terms;
}

/**
 * Parses a SCIM filter (RFC 7644 §3.4.2.2) into scim2-parse-filter's AST. Operators and logical
 * words may be in any case; attribute names are returned as written (the compiler folds them).
 * Unquoted values (`externalId eq jyoung`, as Entra documents) are read as strings; `true`,
 * `false` and `null` stay literals. Throws a 400 `invalidFilter` ScimError for anything else.
 */
export function parseFilter(text: string): Filter {
  const prepared = prepareFilterText(text);
  let filter: Filter;
  try {
    filter = parse(prepared.text);
  } catch (error) {
    throw invalidFilter(`Invalid filter ${quoted(text)}: not a SCIM filter (RFC 7644 §3.4.2.2)`, error);
  }
  if (countTerms(filter) > MAX_FILTER_TERMS)
    throw invalidFilter(`The filter holds more than ${MAX_FILTER_TERMS} comparisons`);
  return restoreValues(filter, prepared.values);
}
