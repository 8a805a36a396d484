import { isPlainObject, readKey } from "./json-guards.js";

/**
 * The enterprise manager as IdPs send it, reshaped into RFC 7643 §4.3's complex form:
 * Entra sends a bare id string (apache/directory-scimple#1242) or a one-element array (legacy
 * reference code), OneLogin templates may send `{managerId}`.
 */
export function managerShape(raw: unknown): unknown {
  if (typeof raw === "string") return { value: raw };
  if (Array.isArray(raw) && raw.length <= 1) return raw.length === 0 ? null : managerShape(raw[0]);
  if (isPlainObject(raw) && !readKey(raw, "value").present) {
    const alias = readKey(raw, "managerId");
    if (alias.present) return { value: alias.value };
  }
  return raw;
}

/** Group members as IdPs send them: Entra's Postman collection uses bare id strings (`"value":"id"`, `["id"]`). */
export function membersShape(raw: unknown): unknown {
  const toMember = (item: unknown) => (typeof item === "string" ? { value: item } : item);
  if (typeof raw === "string") return raw === "" ? null : [toMember(raw)];
  return Array.isArray(raw) ? raw.map(toMember) : raw;
}
