import { sign } from "node:crypto";
import type { ServiceAccountKey } from "./service-account-key.js";

/** Google accepts an assertion valid for at most an hour. */
export const ASSERTION_LIFETIME_S = 3600;

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/**
 * The JWT of OAuth 2.0's JWT bearer grant (RFC 7523) as Google's service accounts use it for
 * domain-wide delegation: signed RS256 with the service account's key, issued by its
 * `client_email`, for the admin it acts as (`sub`), with the scopes asked for and the token
 * endpoint as audience.
 */
export function jwtAssertion(
  key: ServiceAccountKey,
  claims: { readonly subject: string; readonly scopes: readonly string[]; readonly audience: string },
  nowMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const payload = {
    iss: key.clientEmail,
    sub: claims.subject,
    scope: claims.scopes.join(" "),
    aud: claims.audience,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = sign("RSA-SHA256", Buffer.from(signingInput), key.privateKey);
  return `${signingInput}.${base64url(signature)}`;
}
