import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";

/** Seals secrets Roster must use again later (webhook secrets, connector passwords), sealed at rest with ROSTER_SECRET_KEY. */
export interface SecretBox {
  /** AES-256-GCM of `plain`, bound to `context` (e.g. the owning row's id) so sealed values cannot be swapped between rows. */
  seal(plain: string, context: string): string;
  /** The plain text of a sealed value; throws `SecretBoxError` on a wrong key, a wrong context or tampering. */
  open(sealed: string, context: string): string;
  /** Whether `sealed` was sealed under the current key (else `roster secrets rotate` re-seals it). */
  isCurrent(sealed: string): boolean;
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

interface DerivedKey {
  readonly key: Buffer;
  /** A MAC of a constant under the key, not the key: names it in sealed values. */
  readonly id: string;
}

function deriveKey(keyMaterial: string): DerivedKey {
  if (keyMaterial.length === 0) throw new SecretBoxError("the secret key must not be empty");
  const key = Buffer.from(hkdfSync("sha256", Buffer.from(keyMaterial, "utf8"), HKDF_SALT, HKDF_INFO, 32));
  return { key, id: createHmac("sha256", key).update("roster key id").digest("base64url").slice(0, 8) };
}

/**
 * A box keyed by HKDF-SHA256 of `keyMaterial` (ROSTER_SECRET_KEY or the key file's content).
 * Sealed format: `v1.<key id>.<iv>.<ciphertext>.<tag>` in base64url; the key id tells "wrong key"
 * apart from "tampered" in errors, and picks among `previousKeys` (ROSTER_SECRET_KEY_PREVIOUS):
 * values sealed under them still open, while everything new is sealed under the current key.
 */
export function createSecretBox(keyMaterial: string, previousKeys: readonly string[] = []): SecretBox {
  const current = deriveKey(keyMaterial);
  const { key, id: keyId } = current;
  const readable = new Map<string, Buffer>(
    previousKeys.map((material) => deriveKey(material)).map((derived) => [derived.id, derived.key]),
  );
  readable.set(current.id, current.key);

  return Object.freeze({
    seal(plain: string, context: string): string {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return [
        VERSION,
        keyId,
        iv.toString("base64url"),
        body.toString("base64url"),
        cipher.getAuthTag().toString("base64url"),
      ].join(".");
    },

    open(sealed: string, context: string): string {
      const [version, id, iv, body, tag] = sealed.split(".");
      if (version !== VERSION || iv === undefined || body === undefined || tag === undefined)
        throw new SecretBoxError("not a sealed secret");
      const openingKey = id === undefined ? undefined : readable.get(id);
      if (!openingKey) {
        throw new SecretBoxError(
          "sealed under another key: was ROSTER_SECRET_KEY (or the secret.key file) changed? Set the old key in ROSTER_SECRET_KEY_PREVIOUS",
        );
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", openingKey, Buffer.from(iv, "base64url"), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new SecretBoxError("sealed secret failed authentication", { cause });
      }
    },

    isCurrent(sealed: string): boolean {
      return sealed.split(".", 2)[1] === keyId;
    },
  });
}
