import { createHash, generateKeyPairSync, type JsonWebKey, randomUUID } from "node:crypto";
import { signJwt } from "../jwt-signing.js";

/**
 * A DPoP key (RFC 9449): a key pair made for one source, whose public half Okta binds the access
 * tokens to, and which signs a proof for every request that carries them. Never stored: a new
 * source makes a new key and asks for new tokens.
 */
export interface DpopKey {
  /** The key's JWK SHA-256 thumbprint (RFC 7638), what Okta binds a token to (`cnf.jkt`). */
  readonly thumbprint: string;
  /** A proof for one request (RFC 9449 §4.2); `accessToken` for a request to a resource, `nonce` when the server gave one. */
  proof(
    method: string,
    url: string | URL,
    options?: { readonly accessToken?: string | undefined; readonly nonce?: string | null | undefined },
  ): string;
}

/** RFC 9449 §4.2: `htu` is the request's URI without query and fragment. */
export function htuOf(url: string | URL): string {
  const parsed = new URL(String(url));
  return `${parsed.origin}${parsed.pathname}`;
}

/** `ath`: the base64url SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return createHash("sha256").update(token, "ascii").digest("base64url");
}

/** RFC 7638 §3.2: the required members in lexicographic order, no spaces. */
export function jwkThumbprint(jwk: JsonWebKey): string {
  const members =
    jwk.kty === "EC" ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash("sha256").update(JSON.stringify(members)).digest("base64url");
}

/** An ES256 key (Okta lists ES256 among its DPoP algorithms): small proofs, cheap to sign. */
export function createDpopKey(now: () => number = Date.now): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const full = publicKey.export({ format: "jwk" });
  const jwk = { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
  return Object.freeze({
    thumbprint: jwkThumbprint(jwk),
    proof(
      method: string,
      url: string | URL,
      options: { readonly accessToken?: string | undefined; readonly nonce?: string | null | undefined } = {},
    ): string {
      const payload = {
        jti: randomUUID(),
        htm: method.toUpperCase(),
        htu: htuOf(url),
        iat: Math.floor(now() / 1000),
        ...(options.nonce ? { nonce: options.nonce } : {}),
        ...(options.accessToken !== undefined ? { ath: accessTokenHash(options.accessToken) } : {}),
      };
      return signJwt("ES256", { typ: "dpop+jwt", jwk }, payload, privateKey);
    },
  });
}
