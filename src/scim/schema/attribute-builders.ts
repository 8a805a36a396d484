import type { AttributeDefinition, AttributeType } from "./schema-types.js";

type Characteristics = Partial<Omit<AttributeDefinition, "name" | "description">>;

/** An attribute with RFC 7643 §2.2's defaults: a single-valued, optional, case-insensitive, readWrite string. */
export function attribute(
  name: string,
  description: string,
  characteristics: Characteristics = {},
): AttributeDefinition {
  return Object.freeze({
    name,
    type: "string",
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: "readWrite",
    returned: "default",
    uniqueness: "none",
    ...characteristics,
  });
}

export function complex(
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition {
  return attribute(name, description, {
    type: "complex",
    subAttributes: Object.freeze([...subAttributes]),
    ...characteristics,
  });
}

interface MultiValuedOptions {
  readonly label: string;
  readonly types?: readonly string[];
  readonly valueType?: AttributeType;
  readonly referenceTypes?: readonly string[];
}

/** RFC 7643 §2.4: the conventional sub-attributes of a multi-valued attribute (value, display, type, primary). */
export function multiValuedSubAttributes(options: MultiValuedOptions): AttributeDefinition[] {
  const valueType = options.valueType ?? "string";
  return [
    attribute("value", `The ${options.label}.`, {
      type: valueType,
      ...(options.referenceTypes ? { referenceTypes: Object.freeze([...options.referenceTypes]) } : {}),
    }),
    attribute("display", "A human-readable name, primarily used for display purposes."),
    attribute(
      "type",
      "A label indicating the attribute's function.",
      options.types ? { canonicalValues: Object.freeze([...options.types]) } : {},
    ),
    attribute(
      "primary",
      "A Boolean value indicating the 'primary' or preferred value; 'true' appears no more than once.",
      { type: "boolean" },
    ),
  ];
}

export function multiValuedComplex(
  name: string,
  description: string,
  subAttributes: readonly AttributeDefinition[],
  characteristics: Characteristics = {},
): AttributeDefinition {
  return complex(name, description, subAttributes, { multiValued: true, ...characteristics });
}
