import type { Entry } from "ldapts";

/** Attributes that may hold secrets: never copied into raw attributes, whatever `extra` asks for. */
const SECRET_ATTRIBUTES = new Set(
  [
    "userPassword",
    "unicodePwd",
    "authPassword",
    "sambaNTPassword",
    "sambaLMPassword",
    "ntPwdHistory",
    "lmPwdHistory",
    "supplementalCredentials",
    "dBCSPwd",
  ].map((a) => a.toLowerCase()),
);

/** Known binary attributes, asked of ldapts as Buffers (it matches these names case-sensitively). */
export const BINARY_ATTRIBUTES: readonly string[] = [
  "objectGUID",
  "objectSid",
  "jpegPhoto",
  "thumbnailPhoto",
  "userCertificate",
  "photo",
  "mS-DS-ConsistencyGuid",
];

export function isSecretAttribute(name: string): boolean {
  const lower = name.toLowerCase();
  return SECRET_ATTRIBUTES.has(lower.includes(";") ? lower.slice(0, lower.indexOf(";")) : lower);
}

export type AttributeValue = string | Buffer;
type EntryValue = Entry[string];

/**
 * Reads an entry's attributes by name, case-insensitively as LDAP wants. Allocation-light: it runs
 * once per entry of a 100k-user read. ldapts gives each requested attribute under the requested
 * spelling (`[]` when absent) unless the server spelled it otherwise, hence the lazy fallback map.
 */
export class EntryValues {
  readonly dn: string;
  readonly #entry: Entry;
  #lower: Map<string, string> | null = null;

  constructor(entry: Entry) {
    this.dn = entry.dn;
    this.#entry = entry;
  }

  #get(name: string): EntryValue | undefined {
    const exact = this.#entry[name];
    if (exact !== undefined && name !== "dn") return exact;
    if (this.#lower === null) {
      this.#lower = new Map();
      for (const key in this.#entry) if (key !== "dn") this.#lower.set(key.toLowerCase(), key);
    }
    const key = this.#lower.get(name.toLowerCase());
    return key === undefined ? undefined : this.#entry[key];
  }

  /** All values of `name` as text (binary ones as base64). */
  strings(name: string): string[] {
    const value = this.#get(name);
    if (value === undefined) return [];
    if (!Array.isArray(value)) return [asText(value)];
    return value.map(asText);
  }

  /** The first non-blank value of `name`, trimmed, or null. */
  first(name: string): string | null {
    const value = this.#get(name);
    if (value === undefined) return null;
    if (!Array.isArray(value)) return nonBlank(asText(value));
    for (const v of value) {
      const text = nonBlank(asText(v));
      if (text !== null) return text;
    }
    return null;
  }

  /** Names (as the server spelled them) of the attributes present, for range-retrieved ones like `member;range=0-1499`. */
  names(): string[] {
    const names: string[] = [];
    for (const key in this.#entry) if (key !== "dn" && !isEmpty(this.#entry[key])) names.push(key);
    return names;
  }

  /**
   * The entry as raw attributes: one value as a string, several as an array, binary values as
   * base64, secrets dropped, the DN under `dn`. `skip` (lower-case names) leaves out attributes
   * carried elsewhere (member lists).
   */
  raw(skip?: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = { dn: this.dn };
    for (const name in this.#entry) {
      const value = this.#entry[name];
      if (name === "dn" || value === undefined || isEmpty(value) || isSecretAttribute(name)) continue;
      if (skip?.has(name.toLowerCase().replace(/;.*$/, ""))) continue;
      out[name] = !Array.isArray(value)
        ? asText(value)
        : value.length === 1
          ? asText(value[0] as AttributeValue)
          : value.map(asText);
    }
    return out;
  }
}

function isEmpty(value: EntryValue | undefined): boolean {
  return Array.isArray(value) && value.length === 0;
}

function nonBlank(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

function asText(value: AttributeValue): string {
  return typeof value === "string" ? value : value.toString("base64");
}
