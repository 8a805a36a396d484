import { createScimError } from "../errors.js";
import { URN } from "../../scim-resource/schema-urns.js";
import { isPlainObject, readKey } from "./json-guards.js";

/** One entry of `Operations` after shape validation, before any schema knowledge is applied. */
export type RawOperation =
  | { readonly op: "remove"; readonly path: string; readonly hasValue: boolean; readonly value: unknown }
  /** `path` is undefined when absent, null or blank. */
  | { readonly op: "add" | "replace"; readonly path: string | undefined; readonly value: unknown };

function invalidSyntax(detail: string) {
  return createScimError(400, { detail, scimType: "invalidSyntax" });
}

/**
 * RFC 7644 §3.5.2 requires `schemas` to hold the PatchOp URN. No IdP is known to omit it, but
 * following the robustness principle a missing `schemas` is accepted; a present one that names
 * something else is a client mistake and refused.
 */
function checkSchemas(body: Record<string, unknown>): void {
  const schemas = readKey(body, "schemas");
  if (!schemas.present) return;
  const ok =
    Array.isArray(schemas.value) &&
    schemas.value.some((s) => typeof s === "string" && s.toLowerCase() === URN.patchOp.toLowerCase());
  if (!ok) throw invalidSyntax(`A PATCH request's "schemas" must contain "${URN.patchOp}"`);
}

function readOp(raw: unknown, index: number): RawOperation {
  if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object`);
  const op = readKey(raw, "op").value;
  const name = typeof op === "string" ? op.trim().toLowerCase() : undefined;
  // Entra sends "Replace", "Add", "Remove": op is matched case-insensitively.
  if (name !== "add" && name !== "replace" && name !== "remove")
    throw invalidSyntax(`Operations[${index}].op must be "add", "replace" or "remove"`);
  const path = readKey(raw, "path").value;
  if (path !== undefined && path !== null && typeof path !== "string")
    throw invalidSyntax(`Operations[${index}].path must be a string`);
  const value = readKey(raw, "value");
  const trimmed = typeof path === "string" && path.trim() !== "" ? path.trim() : undefined;
  if (name !== "remove") {
    if (!value.present)
      throw invalidSyntax(`Operations[${index}] ("${name}") must contain a "value" (RFC 7644 §3.5.2.1)`);
    return { op: name, path: trimmed, value: value.value };
  }
  if (trimmed === undefined) {
    throw createScimError(400, {
      detail: `Operations[${index}] ("remove") must contain a "path" (RFC 7644 §3.5.2.2)`,
      scimType: "noTarget",
    });
  }
  return { op: name, path: trimmed, hasValue: value.present, value: value.value };
}

/** Validates the PatchOp message envelope (RFC 7644 §3.5.2) and returns its operations in order. */
export function readPatchMessage(body: unknown): RawOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax("A PATCH request body must be a JSON object");
  checkSchemas(body);
  const operations = readKey(body, "Operations").value;
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalidSyntax('A PATCH request must contain a non-empty "Operations" array');
  return operations.map(readOp);
}
