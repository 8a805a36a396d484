import type { FieldError } from "../../core/errors.js";
import { type AttributePath, parseAttributePath } from "./attribute-path.js";
import { readAttribute } from "./read-attribute.js";

/** Custom attribute name → source attribute path, as configured on a directory. */
export type AttributeMapping = Record<string, string>;

export interface CompiledAttribute {
  readonly name: string;
  readonly path: AttributePath;
}

export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const MAX_MAPPED_ATTRIBUTES = 100;

/** Validates a mapping from the API: names like `cost_center`, every path parseable. */
export function checkAttributeMapping(input: Readonly<Record<string, unknown>>): Checked<AttributeMapping> {
  const errors: FieldError[] = [];
  const entries = Object.entries(input);
  if (entries.length > MAX_MAPPED_ATTRIBUTES)
    errors.push({
      field: "attribute_mapping",
      code: "too_many",
      message: `maps at most ${MAX_MAPPED_ATTRIBUTES} attributes`,
    });
  const mapping: Record<string, string> = {};
  for (const [name, path] of entries) {
    const field = `attribute_mapping.${name}`;
    if (!NAME.test(name))
      errors.push({
        field,
        code: "invalid_name",
        message: "names start with a letter or _ and hold letters, digits, _ and - (64 at most)",
      });
    if (typeof path !== "string") {
      errors.push({ field, code: "type", message: "must be a source attribute path (a string)" });
      continue;
    }
    const parsed = parseAttributePath(path);
    if (parsed.ok) mapping[name] = parsed.value.text;
    else errors.push({ field, code: "invalid_path", message: `"${path}" ${parsed.error}` });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: mapping };
}

/** Parses a stored (already validated) mapping; an entry that no longer parses is skipped, never fatal. */
export function compileAttributeMapping(mapping: AttributeMapping): CompiledAttribute[] {
  return Object.entries(mapping).flatMap(([name, text]) => {
    const parsed = parseAttributePath(text);
    return parsed.ok ? [{ name, path: parsed.value }] : [];
  });
}

/** A user's `custom_attributes`: every mapped name, null where the source sent nothing. */
export function customAttributesOf(
  raw: Record<string, unknown>,
  attributes: readonly CompiledAttribute[],
): Record<string, unknown> {
  return Object.fromEntries(attributes.map(({ name, path }) => [name, readAttribute(raw, path)]));
}
