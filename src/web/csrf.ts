import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The CSRF token of a session: an HMAC of the session's cookie value, so nothing more is stored
 * and a token is useless with any other session. Forms carry it as `_csrf`, scripts as the
 * `x-csrf-token` header; another site can read neither (SameSite=Strict cookies are a second guard).
 */
export function csrfToken(sessionToken: string): string {
  return createHmac("sha256", sessionToken).update("roster csrf v1").digest("base64url");
}

export function csrfMatches(sessionToken: string, presented: unknown): boolean {
  if (typeof presented !== "string" || presented.length === 0) return false;
  const expected = Buffer.from(csrfToken(sessionToken));
  const given = Buffer.from(presented);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
