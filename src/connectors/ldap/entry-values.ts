import type { Entry } from "ldapts";

/** Attributes that may hold secrets: never copied into raw attributes, whatever `extra` asks for. */
const SECRET_ATTRIBUTES = new Set(
  ["userPassword", "unicodePwd", "authPassword", "sambaNTPassword", "sambaLMPassword", "ntPwdHistory", "lmPwdHistory", "supplementalCredentials", "dBCSPwd"].map((a) =>
    a.toLowerCase(),
  ),
);

/** Known binary attributes, asked of ldapts as Buffers (it matches these names case-sensitively). */
export const BINARY_ATTRIBUTES: readonly string[] = ["objectGUID", "objectSid", "jpegPhoto", "thumbnailPhoto", "userCertificate", "photo", "mS-DS-ConsistencyGuid"];

export function isSecretAttribute(name: string): boolean {
  return SECRET_ATTRIBUTES.has(name.toLowerCase().replace(/;.*$/, ""));
}

export type AttributeValue = string | Buffer;

/** An entry's attributes by lower-cased name: LDAP attribute names are case-insensitive. */
export class EntryValues {
  readonly dn: string;
  readonly #byName = new Map<string, { readonly name: string; readonly values: readonly AttributeValue[] }>();

  constructor(entry: Entry) {
    this.dn = entry.dn;
    for (const [name, raw] of Object.entries(entry)) {
      if (name === "dn") continue;
      const values = Array.isArray(raw) ? raw : [raw];
      // ldapts lists requested attributes the entry lacks as []
      if (values.length > 0) this.#byName.set(name.toLowerCase(), { name, values });
    }
  }

  /** All values of `name` as text (binary ones as base64). */
  strings(name: string): string[] {
    const found = this.#byName.get(name.toLowerCase());
    return found === undefined ? [] : found.values.map(asText);
  }

  /** The first non-blank value of `name`, trimmed, or null. */
  first(name: string): string | null {
    for (const value of this.strings(name)) {
      const trimmed = value.trim();
      if (trimmed !== "") return trimmed;
    }
    return null;
  }

  /** Names (as the server spelled them) of the attributes present, for range-retrieved ones like `member;range=0-1499`. */
  names(): string[] {
    return [...this.#byName.values()].map((a) => a.name);
  }

  /**
   * The entry as raw attributes: one value as a string, several as an array, binary values as
   * base64, secrets dropped, the DN under `dn`. `skip` leaves out attributes carried elsewhere
   * (member lists).
   */
  raw(skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
    const out: Record<string, unknown> = { dn: this.dn };
    for (const [lower, { name, values }] of this.#byName) {
      if (isSecretAttribute(lower) || skip.has(lower.replace(/;.*$/, ""))) continue;
      const texts = values.map(asText);
      out[name] = texts.length === 1 ? texts[0] : texts;
    }
    return out;
  }
}

function asText(value: AttributeValue): string {
  return typeof value === "string" ? value : value.toString("base64");
}
