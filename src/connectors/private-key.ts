import { createPrivateKey, type JsonWebKey, type KeyObject } from "node:crypto";

/** A private key read from a setting, with the key id a JWK carried (Okta's console shows keys as JWKs). */
export type ReadPrivateKey =
  | { readonly ok: true; readonly key: KeyObject; readonly keyId: string | null }
  | { readonly ok: false; readonly message: string };

function fromJwk(jwk: Record<string, unknown>): ReadPrivateKey {
  if (typeof jwk.d !== "string")
    return { ok: false, message: 'is a public JWK: paste the private key (the JWK with "d")' };
  try {
    const key = createPrivateKey({ key: jwk as JsonWebKey, format: "jwk" });
    return { ok: true, key, keyId: typeof jwk.kid === "string" && jwk.kid !== "" ? jwk.kid : null };
  } catch {
    return { ok: false, message: "is a JWK that is not a usable private key" };
  }
}

/**
 * A private key given as PEM (PKCS #8 `BEGIN PRIVATE KEY` or PKCS #1 `BEGIN RSA PRIVATE KEY`) or as
 * a JWK (an object, or its JSON text). Only RSA keys: the assertions are signed RS256 or PS256.
 * A failure says what is wrong without quoting the setting: it is the key.
 */
export function readRsaPrivateKey(input: unknown): ReadPrivateKey {
  let read: ReadPrivateKey;
  if (typeof input === "object" && input !== null && !Array.isArray(input))
    read = fromJwk(input as Record<string, unknown>);
  else if (typeof input !== "string" || input.trim() === "")
    return { ok: false, message: "must be a PEM private key or a private JWK" };
  else if (input.trim().startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      return { ok: false, message: "starts like a JWK but is not JSON" };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      return { ok: false, message: "must be a PEM private key or a private JWK" };
    read = fromJwk(parsed as Record<string, unknown>);
  } else {
    try {
      read = { ok: true, key: createPrivateKey({ key: input.trim(), format: "pem" }), keyId: null };
    } catch {
      return { ok: false, message: "is not a PEM private key (-----BEGIN PRIVATE KEY----- …) nor a private JWK" };
    }
  }
  if (read.ok && read.key.asymmetricKeyType !== "rsa")
    return { ok: false, message: `is an ${read.key.asymmetricKeyType ?? "unknown"} key; an RSA key is needed` };
  return read;
}
