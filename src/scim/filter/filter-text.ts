import { invalidFilter, quoted } from "./filter-error.js";

/**
 * A filter checked against the RFC 7644 §3.4.2.2 grammar and rewritten for scim2-parse-filter:
 * every string value is replaced by a numbered placeholder (`"0"`, `"1"`…) whose decoded text is
 * in `values`, so the library never sees (and never mis-decodes) user strings; and Entra's
 * `emails[type eq "work"].value eq "x"` becomes `emails[(type eq "work") and value eq "x"]`.
 */
export interface PreparedFilter {
  readonly text: string;
  readonly values: readonly string[];
}

export const MAX_FILTER_LENGTH = 8192;
/** Parentheses, brackets and chained `not`s: deeper filters are refused before SQL sees them. */
export const MAX_FILTER_NESTING = 32;

const COMPARE_OPS = new Set(["eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le"]);
const LITERALS = new Set(["true", "false", "null"]);
const SPACE = /\s+/y;
/** The attribute-path word of scim2-parse-filter's tokenizer, so both read the same token. */
const WORD = /\w[-\w._:/%]*/y;
/** A JSON string; the alternatives do not overlap, so a long unterminated string cannot backtrack. */
const QUOTED = /"(?:[^"\\]|\\.)*"/y;
/** An unquoted value as Entra sends it (`externalId eq jyoung`): up to a space, bracket or quote. */
const BARE = /[^\s()[\]"]+/y;

type Expecting = "attribute" | "operator" | "value" | "connective";

function match(pattern: RegExp, input: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(input)?.[0];
}

class FilterScanner {
  readonly #input: string;
  readonly #out: string[] = [];
  readonly #values: string[] = [];
  readonly #closers: string[] = [];
  /** Where each open `[` sits in #out, to wrap its filter if a `].sub` follows. */
  readonly #brackets: number[] = [];
  /** Inside a rewritten `[…].sub op value`: the `]` is emitted once the comparison ends. */
  #closeAfterComparison = false;
  #at = 0;
  #expecting: Expecting = "attribute";
  #attribute = "";
  #operator = "";
  #nots = 0;

  constructor(input: string) {
    this.#input = input;
  }

  run(): PreparedFilter {
    for (;;) {
      this.#at += match(SPACE, this.#input, this.#at)?.length ?? 0;
      if (this.#at >= this.#input.length) break;
      this.#step();
    }
    this.#finish();
    return { text: this.#out.join(" "), values: this.#values };
  }

  #step(): void {
    if (this.#expecting === "attribute") this.#readAttribute();
    else if (this.#expecting === "operator") this.#readOperator();
    else if (this.#expecting === "value") this.#readValue();
    else this.#readConnective();
  }

  #fail(detail: string): never {
    throw invalidFilter(`Invalid filter ${quoted(this.#input)}: ${detail}`);
  }

  #where(): string {
    return `at character ${this.#at + 1}`;
  }

  #emit(token: string, length: number): void {
    this.#out.push(token);
    this.#at += length;
  }

  #checkNesting(): void {
    if (this.#closers.length + this.#nots > MAX_FILTER_NESTING)
      this.#fail(`nested deeper than ${MAX_FILTER_NESTING} levels`);
  }

  #open(closer: string): void {
    this.#closers.push(closer);
    this.#checkNesting();
  }

  #readAttribute(): void {
    if (this.#input[this.#at] === "(") {
      this.#open(")");
      this.#emit("(", 1);
      return;
    }
    const word = match(WORD, this.#input, this.#at);
    if (word === undefined) this.#fail(`expected an attribute name ${this.#where()}`);
    if (word.toLowerCase() === "not") {
      this.#nots += 1;
      this.#checkNesting();
      this.#emit("not", word.length);
      return;
    }
    this.#attribute = word;
    this.#nots = 0;
    this.#expecting = "operator";
    this.#emit(word, word.length);
  }

  #readOperator(): void {
    if (this.#input[this.#at] === "[") {
      // RFC 7644 §3.4.2.2: a valFilter holds attribute expressions, never another value path.
      if (this.#closers.includes("]")) this.#fail(`value filters cannot be nested ${this.#where()}`);
      this.#open("]");
      this.#brackets.push(this.#out.length);
      this.#expecting = "attribute";
      this.#emit("[", 1);
      return;
    }
    const word = match(WORD, this.#input, this.#at);
    const op = word?.toLowerCase();
    if (word === undefined || op === undefined)
      this.#fail(`expected an operator after ${quoted(this.#attribute)} ${this.#where()}`);
    if (op !== "pr" && !COMPARE_OPS.has(op))
      this.#fail(`unknown operator ${quoted(word)} after ${quoted(this.#attribute)}`);
    this.#operator = op;
    this.#emit(op, word.length);
    if (op === "pr") this.#endComparison();
    else this.#expecting = "value";
  }

  #endComparison(): void {
    this.#expecting = "connective";
    if (!this.#closeAfterComparison) return;
    this.#closeAfterComparison = false;
    this.#closers.pop();
    this.#out.push("]");
  }

  #readValue(): void {
    if (this.#input[this.#at] === '"') {
      const literal = match(QUOTED, this.#input, this.#at);
      if (literal === undefined) this.#fail(`unterminated string ${this.#where()}`);
      this.#emitValue(this.#decode(literal), literal.length);
    } else {
      const bare = match(BARE, this.#input, this.#at);
      if (bare === undefined)
        this.#fail(`expected a value after ${quoted(`${this.#attribute} ${this.#operator}`)} ${this.#where()}`);
      if (LITERALS.has(bare)) this.#emit(bare, bare.length);
      else this.#emitValue(bare, bare.length);
    }
    this.#endComparison();
  }

  #decode(literal: string): string {
    try {
      return JSON.parse(literal) as string;
    } catch (error) {
      throw invalidFilter(
        `Invalid filter ${quoted(this.#input)}: ${quoted(literal)} is not a valid JSON string`,
        error,
      );
    }
  }

  #emitValue(value: string, length: number): void {
    this.#emit(JSON.stringify(String(this.#values.length)), length);
    this.#values.push(value);
  }

  #readConnective(): void {
    const c = this.#input[this.#at];
    if (c === "]" && this.#input[this.#at + 1] === ".") {
      this.#readSubAttributeOfValuePath();
      return;
    }
    if (c === ")" || c === "]") {
      if (this.#closers.pop() !== c) this.#fail(`unbalanced ${quoted(c)} ${this.#where()}`);
      if (c === "]") this.#brackets.pop();
      this.#emit(c, 1);
      return;
    }
    const word = match(WORD, this.#input, this.#at)?.toLowerCase();
    if (word !== "and" && word !== "or") this.#fail(`expected "and", "or" or the end of the filter ${this.#where()}`);
    this.#expecting = "attribute";
    this.#emit(word, word.length);
  }

  /**
   * `emails[type eq "work"].value eq "x"` is a PATCH path (RFC 7644 §3.5.2) used as a filter, as
   * Entra does to match users by work email. scim2-parse-filter would read it as two independent
   * conditions (a work email, and any email equal to "x"); it means one email meeting both.
   */
  #readSubAttributeOfValuePath(): void {
    const open = this.#brackets.pop();
    const sub = match(WORD, this.#input, this.#at + 2);
    if (this.#closers.at(-1) !== "]" || open === undefined) this.#fail(`unbalanced "]" ${this.#where()}`);
    if (sub === undefined) this.#fail(`expected a sub-attribute after "]." ${this.#where()}`);
    this.#out.splice(open + 1, 0, "(");
    this.#out.push(")", "and");
    this.#closeAfterComparison = true;
    this.#attribute = sub;
    this.#expecting = "operator";
    this.#emit(sub, 2 + sub.length);
  }

  #finish(): void {
    if (this.#out.length === 0) this.#fail("the filter is empty");
    if (this.#expecting === "attribute") this.#fail("the filter ends where an attribute was expected");
    if (this.#expecting === "operator") this.#fail(`expected an operator after ${quoted(this.#attribute)}`);
    if (this.#expecting === "value")
      this.#fail(`expected a value after ${quoted(`${this.#attribute} ${this.#operator}`)}`);
    const missing = this.#closers.at(-1);
    if (missing !== undefined) this.#fail(`missing ${quoted(missing)}`);
  }
}

/** Checks `input` and rewrites it for scim2-parse-filter; throws a 400 invalidFilter ScimError. */
export function prepareFilterText(input: string): PreparedFilter {
  if (input.length > MAX_FILTER_LENGTH)
    throw invalidFilter(`The filter is longer than ${MAX_FILTER_LENGTH} characters`);
  return new FilterScanner(input).run();
}
