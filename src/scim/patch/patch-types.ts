import type { Filter } from "scim2-parse-filter";
import type { AttributeDefinition } from "../schema/index.js";

export type {
  JsonObject,
  JsonPrimitive,
  JsonValue,
  ScimGroupDocument,
  ScimUserDocument,
} from "../../scim-resource/json-document.js";
import type { JsonValue } from "../../scim-resource/json-document.js";

/** A membership delta in user ids, never the whole member list: the store's own type. */
export type { MemberChange } from "../../directory/types.js";

/** Where an operation points (RFC 7644 §3.5.2 `path`), with every name in canonical spelling. */
export interface PatchTarget {
  /** URN of the schema defining the attribute. */
  readonly schema: string;
  /** True when the attribute lives under its schema's URN key in the document (RFC 7643 §3.3). */
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
  /** A value filter (`emails[type eq "work"]`) whose attribute names are canonical. */
  readonly filter: Filter | undefined;
  readonly subAttribute: AttributeDefinition | undefined;
}

/**
 * One canonical operation: lower-case `op`, an always-present path (path-less requests are
 * expanded per attribute), and a value already coerced to the attribute's type. Assigning an
 * empty value is expressed as `remove` (RFC 7643 §2.5), so `add`/`replace` never carry null or "".
 */
export type PatchOperation =
  | { readonly op: "add" | "replace"; readonly path: string; readonly target: PatchTarget; readonly value: JsonValue }
  | { readonly op: "remove"; readonly path: string; readonly target: PatchTarget };

/** An `add` or `replace`: the operations that carry a value. */
export type AssignOperation = Extract<PatchOperation, { readonly op: "add" | "replace" }>;
