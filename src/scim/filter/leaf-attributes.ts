import { type Expression, type SqlBool, sql } from "kysely";
import type { StorageCapabilities } from "../../storage/capabilities.js";
import { escapeLike } from "../../storage/like.js";
import { invalidFilter, quoted } from "./filter-error.js";
import type { Compare } from "./parse-filter.js";
import { parseFilterDateTime } from "./scim-datetime.js";

export type CompareOp = Compare["op"];
export type CompareValue = Compare["compValue"];

/** A single-valued simple attribute: how each operator on it reads in SQL. */
export interface LeafAttribute {
  readonly kind: "leaf";
  /** `name` is the attribute path as the filter wrote it, for error details. */
  compare(op: CompareOp, value: CompareValue, name: string): Expression<SqlBool>;
  /** `pr`: present, not null and not empty (RFC 7644 §3.4.2.2). */
  present(): Expression<SqlBool>;
}

const NEVER = sql<SqlBool>`1 = 0`;
const ALWAYS = sql<SqlBool>`1 = 1`;

/** NOT in two-valued logic: an absent attribute makes a comparison false, so its negation true. */
export function negate(condition: Expression<SqlBool>): Expression<SqlBool> {
  return sql<SqlBool>`not ((${condition}) is true)`;
}

function unsupported(op: CompareOp, name: string, kind: string): never {
  throw invalidFilter(`The operator "${op}" cannot compare ${quoted(name)}, which is ${kind}`);
}

/** `eq null` reads as "not present" and `ne null` as "present"; other operators need a value. */
function compareNull(op: CompareOp, present: Expression<SqlBool>, name: string): Expression<SqlBool> {
  if (op === "eq") return negate(present);
  if (op === "ne") return present;
  throw invalidFilter(`The operator "${op}" cannot compare ${quoted(name)} with null`);
}

function like(subject: Expression<unknown>, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${subject} like ${pattern} escape '\\'`;
}

function codePoints(text: string): number {
  return [...text].length;
}

// Case-exact co/sw/ew avoid LIKE, which SQLite folds for ASCII whatever the case rule.
function exactMatch(op: "co" | "sw" | "ew", subject: Expression<string | null>, v: string): Expression<SqlBool> {
  const n = codePoints(v);
  if (op === "sw") return sql<SqlBool>`substr(${subject}, 1, ${n}) = ${v}`;
  if (op === "ew")
    return sql<SqlBool>`(length(${subject}) >= ${n} and substr(${subject}, length(${subject}) - ${n} + 1) = ${v})`;
  return v === "" ? sql<SqlBool>`${subject} is not null` : sql<SqlBool>`replace(${subject}, ${v}, '') <> ${subject}`;
}

function order(op: "gt" | "ge" | "lt" | "le", subject: Expression<unknown>, v: string): Expression<SqlBool> {
  const symbol = { gt: sql`>`, ge: sql`>=`, lt: sql`<`, le: sql`<=` }[op];
  return sql<SqlBool>`${subject} ${symbol} ${v}`;
}

export interface TextOptions {
  /** caseExact per RFC 7643 §2.2; otherwise both sides are compared in lowercase. */
  readonly caseExact: boolean;
  /** A stored lowercase copy of the column (indexed), used instead of `lower(column)`. */
  readonly lowered?: Expression<string | null>;
}

/**
 * A string attribute. `ne` matches when the attribute is absent: an absent value is not equal to
 * any value, and `ne` is then exactly `not (… eq …)`. Numbers and booleans given for a string
 * attribute are compared as their text (unquoted values are already strings).
 */
export function textLeaf(
  caps: StorageCapabilities,
  column: Expression<string | null>,
  options: TextOptions,
): LeafAttribute {
  const subject: Expression<string | null> = options.caseExact
    ? column
    : (options.lowered ?? sql<string | null>`lower(${column})`);
  const present = sql<SqlBool>`(${column} is not null and ${column} <> '')`;
  return {
    kind: "leaf",
    present: () => present,
    compare(op, value, name) {
      if (value === null) return compareNull(op, present, name);
      const v = options.caseExact ? String(value) : String(value).toLowerCase();
      switch (op) {
        case "eq":
          return sql<SqlBool>`${subject} = ${v}`;
        case "ne":
          return sql<SqlBool>`(${column} is null or ${subject} <> ${v})`;
        case "co":
        case "sw":
        case "ew":
          if (options.caseExact) return exactMatch(op, subject, v);
          return like(subject, `${op === "sw" ? "" : "%"}${escapeLike(v)}${op === "ew" ? "" : "%"}`);
        default:
          return order(op, caps.codePointOrder(subject), v);
      }
    },
  };
}

/**
 * A dateTime attribute stored as ISO-8601 UTC text with milliseconds, so text order is time
 * order. A value with sub-millisecond digits lies strictly between two stored instants, which
 * turns `eq` false, `ne` true, `ge` into `gt` and `lt` into `le` on the truncated instant.
 */
export function dateTimeLeaf(caps: StorageCapabilities, column: Expression<string | null>): LeafAttribute {
  const present = sql<SqlBool>`${column} is not null`;
  return {
    kind: "leaf",
    present: () => present,
    compare(op, value, name) {
      if (value === null) return compareNull(op, present, name);
      if (op === "co" || op === "sw" || op === "ew") unsupported(op, name, "a dateTime");
      const when = typeof value === "string" ? parseFilterDateTime(value) : null;
      if (!when)
        throw invalidFilter(`${quoted(String(value))} is not a dateTime (RFC 7643 §2.3.5) for ${quoted(name)}`);
      if (op === "eq") return when.exact ? sql<SqlBool>`${column} = ${when.iso}` : NEVER;
      if (op === "ne") return when.exact ? sql<SqlBool>`(${column} is null or ${column} <> ${when.iso})` : ALWAYS;
      const effective = when.exact ? op : op === "ge" ? "gt" : op === "lt" ? "le" : op;
      return order(effective, caps.codePointOrder(column), when.iso);
    },
  };
}

export interface BooleanColumn {
  readonly isTrue: Expression<SqlBool>;
  readonly isFalse: Expression<SqlBool>;
  readonly present: Expression<SqlBool>;
}

function readBoolean(value: string | number | boolean, name: string): boolean {
  if (typeof value === "boolean") return value;
  // IdPs send booleans as strings ("True"); accept them as the request normalizer does.
  const text = String(value).toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  throw invalidFilter(`${quoted(name)} is a boolean: compare it with true or false, not ${quoted(String(value))}`);
}

/** A boolean attribute: only eq, ne and pr apply (RFC 7644 §3.4.2.2: gt… on booleans is invalidFilter). */
export function booleanLeaf(column: BooleanColumn): LeafAttribute {
  return {
    kind: "leaf",
    present: () => column.present,
    compare(op, value, name) {
      if (value === null) return compareNull(op, column.present, name);
      if (op !== "eq" && op !== "ne") unsupported(op, name, "a boolean");
      const matches = readBoolean(value, name) ? column.isTrue : column.isFalse;
      return op === "eq" ? matches : negate(matches);
    },
  };
}

/** A boolean kept as JSON text (`true`/`false`, or an IdP's "True" string). */
export function jsonBooleanLeaf(text: Expression<string | null>): LeafAttribute {
  return booleanLeaf({
    isTrue: sql<SqlBool>`lower(${text}) = 'true'`,
    isFalse: sql<SqlBool>`lower(${text}) = 'false'`,
    present: sql<SqlBool>`${text} is not null`,
  });
}
