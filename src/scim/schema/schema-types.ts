/** RFC 7643 §2.3: the data types an attribute may have. */
export type AttributeType =
  | "string"
  | "boolean"
  | "decimal"
  | "integer"
  | "dateTime"
  | "binary"
  | "reference"
  | "complex";

/** RFC 7643 §7: when a client may write an attribute. */
export type Mutability = "readOnly" | "readWrite" | "immutable" | "writeOnly";

/** RFC 7643 §7: when the service provider returns an attribute. */
export type Returned = "always" | "never" | "default" | "request";

/** RFC 7643 §7: the scope within which an attribute's value is unique. */
export type Uniqueness = "none" | "server" | "global";

/** One attribute definition, with the characteristics RFC 7643 §7 lists for `/Schemas`. */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

/** A schema (RFC 7643 §7) before it is rendered as a `/Schemas` resource. */
export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

/** The resource types Roster serves (RFC 7643 §6). */
export type ScimResourceName = "User" | "Group";
