import { constants, type KeyObject, randomUUID, sign } from "node:crypto";

/** The JWS algorithms Roster signs with: RS256 (Okta), PS256 (Microsoft's certificate credentials), ES256 (DPoP proofs). */
export type JwsAlgorithm = "RS256" | "PS256" | "ES256";

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

function signature(alg: JwsAlgorithm, input: Buffer, key: KeyObject): Buffer {
  if (alg === "PS256") return sign("sha256", input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  // RFC 7518 §3.4: an ECDSA signature is R || S, not DER.
  if (alg === "ES256") return sign("sha256", input, { key, dsaEncoding: "ieee-p1363" });
  return sign("sha256", input, key);
}

/** A compact JWS (RFC 7515) of `payload`, its header's `alg` set to the algorithm used. */
export function signJwt(
  alg: JwsAlgorithm,
  header: Readonly<Record<string, unknown>>,
  payload: Readonly<Record<string, unknown>>,
  key: KeyObject,
): string {
  const input = `${base64url(JSON.stringify({ ...header, alg }))}.${base64url(JSON.stringify(payload))}`;
  return `${input}.${base64url(signature(alg, Buffer.from(input), key))}`;
}

/** A client assertion lives this long: enough for one token request, never reusable later (providers cap it at an hour). */
const ASSERTION_LIFETIME_S = 300;

export interface ClientAssertion {
  readonly alg: JwsAlgorithm;
  readonly key: KeyObject;
  /** Header parameters naming the key: `kid`, `x5t#S256`. */
  readonly header: Readonly<Record<string, unknown>>;
  readonly clientId: string;
  /** The token endpoint the assertion is sent to. */
  readonly audience: string;
}

/**
 * The JWT a client authenticates itself with instead of a secret (RFC 7523 §2.2, OpenID Connect's
 * `private_key_jwt`): issued by and about the client, for the token endpoint, short-lived, with a
 * fresh `jti` so the provider can refuse a replay.
 */
export function clientAssertion(spec: ClientAssertion, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const payload = {
    iss: spec.clientId,
    sub: spec.clientId,
    aud: spec.audience,
    iat,
    nbf: iat,
    exp: iat + ASSERTION_LIFETIME_S,
    jti: randomUUID(),
  };
  return signJwt(spec.alg, { typ: "JWT", ...spec.header }, payload, spec.key);
}

/** The form parameters that carry a client assertion (RFC 7523 §2.2). */
export const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
