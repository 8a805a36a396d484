import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** Seals secrets Roster must use again later (webhook secrets, connector passwords): SPEC §2. */
export interface SecretBox {
  /** AES-256-GCM of `plain`, bound to `context` (e.g. the owning row's id) so sealed values cannot be swapped between rows. */
  seal(plain: string, context: string): string;
  /** The plain text of a sealed value; throws `SecretBoxError` on a wrong key, a wrong context or tampering. */
  open(sealed: string, context: string): string;
}

export class SecretBoxError extends Error {
  override readonly name = "SecretBoxError";
}

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Fixed salt and label: the key material is already high-entropy; HKDF only separates this use of it.
const HKDF_SALT = "roster.secret-box";
const HKDF_INFO = "aes-256-gcm v1";

/**
 * A box keyed by HKDF-SHA256 of `keyMaterial` (ROSTER_SECRET_KEY or the key file's content).
 * Sealed format: `v1.<key id>.<iv>.<ciphertext>.<tag>` in base64url; the key id (a MAC of a
 * constant, not the key) tells "wrong key" apart from "tampered" in errors.
 */
export function createSecretBox(keyMaterial: string): SecretBox {
  if (keyMaterial.length === 0) throw new SecretBoxError("the secret key must not be empty");
  const key = Buffer.from(hkdfSync("sha256", Buffer.from(keyMaterial, "utf8"), HKDF_SALT, HKDF_INFO, 32));
  const keyId = createHmac("sha256", key).update("roster key id").digest("base64url").slice(0, 8);

  return Object.freeze({
    seal(plain: string, context: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [VERSION, keyId, iv.toString("base64url"), body.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    },

    open(sealed: string, context: string): string {
      const [version, id, iv, body, tag] = sealed.split(".");
      if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) throw new SecretBoxError("not a sealed secret");
      if (id !== keyId) throw new SecretBoxError("sealed under another key: was ROSTER_SECRET_KEY (or the secret.key file) changed?");
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new SecretBoxError("sealed secret failed authentication", { cause });
      }
    },
  });
}
