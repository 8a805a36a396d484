export { compileFilter, type FilterResource } from "./compile-filter.js";
export { MAX_FILTER_LENGTH } from "./filter-text.js";
export { type Filter, MAX_FILTER_TERMS, parseFilter } from "./parse-filter.js";
export { uniqueNameEquals } from "./unique-name-lookup.js";
