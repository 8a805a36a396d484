import type { FastifyRequest } from "fastify";
import { readCookie, sessionCookie } from "../web/cookies.js";
import { csrfMatches } from "../web/csrf.js";
import type { ConsolePrincipal, ConsoleSessions } from "./console-sessions.js";

export const CONSOLE_COOKIE = "roster_console";
/** The header the console's scripts send the session's CSRF token in; no other site can set it. */
export const CONSOLE_CSRF_HEADER = "x-roster-csrf";

/** The console calls the API at the server's root, so its cookie goes to every path (still HttpOnly, SameSite=Strict). */
export function consoleCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return sessionCookie(CONSOLE_COOKIE, token, { path: "/", maxAge: maxAgeSeconds, secure });
}

export function consoleToken(request: FastifyRequest): string | null {
  return readCookie(request.headers.cookie, CONSOLE_COOKIE);
}

/**
 * The API principal a console session lends a request: the key that opened it, but only when the
 * request also carries the session's CSRF token in `X-Roster-CSRF`. A cookie alone (a form or an
 * image on another site, were SameSite ever bypassed) opens nothing.
 */
export function createConsolePrincipal(sessions: ConsoleSessions) {
  return async function consolePrincipal(request: FastifyRequest): Promise<ConsolePrincipal | null> {
    const token = consoleToken(request);
    if (!token || !csrfMatches(token, request.headers[CONSOLE_CSRF_HEADER])) return null;
    return (await sessions.find(token))?.principal ?? null;
  };
}
