import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { CLIENT_ASSERTION_TYPE, clientAssertion } from "../jwt-signing.js";
import { oauthErrorOf, oauthErrorText } from "../oauth-error.js";
import { SourceError } from "../source.js";
import type { EntraCredential } from "./entra-credential.js";

export interface TokenOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly credential: EntraCredential;
  readonly scope: string;
  readonly timeoutMs: number;
}

/** A token is renewed this long before Entra says it expires: a request sent with it must still arrive in time. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** Access tokens for Microsoft Graph by the client-credentials grant, renewed before they expire (or when Graph refuses one). */
export interface TokenSource {
  /** A token valid for a while yet; one request to the token endpoint at a time, however many ask. */
  get(signal: AbortSignal): Promise<string>;
  /** Forgets `token` (Graph said it expired): the next `get` asks for a new one. */
  invalidate(token: string): void;
}

/**
 * The client secret, or a client assertion signed with the certificate's key as Microsoft's
 * "certificate credentials" describe it: PS256, the certificate named by `x5t#S256`, the token
 * endpoint as audience, the client as issuer and subject, a fresh `jti`, valid for minutes.
 */
function credentialForm(options: TokenOptions): Record<string, string> {
  const { credential } = options;
  if (credential.kind === "secret") return { client_secret: credential.secret };
  const assertion = clientAssertion(
    {
      alg: "PS256",
      key: credential.key,
      header: { "x5t#S256": credential.thumbprint },
      clientId: options.clientId,
      audience: options.tokenUrl,
    },
    Date.now(),
  );
  return { client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: assertion };
}

async function requestToken(options: TokenOptions, signal: AbortSignal): Promise<{ token: string; renewAt: number }> {
  const where = `POST ${new URL(options.tokenUrl).origin}${new URL(options.tokenUrl).pathname}`;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: options.clientId,
    scope: options.scope,
    ...credentialForm(options),
  });
  let response: Response;
  let text: string;
  try {
    const attempt = AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]);
    response = await outboundFetch(options.tokenUrl, {
      method: "POST",
      body: form,
      headers: { accept: "application/json" },
      signal: attempt,
      redirect: "manual",
    });
    text = await response.text();
  } catch (error) {
    throw fetchFailure(error, where, signal, options.timeoutMs);
  }
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's HTML page, say): the status checks below say what went wrong.
  }
  if (response.status >= 300 && response.status < 400) {
    throw new SourceError(
      "misconfigured",
      `${where} answered ${response.status}, a redirect; set token_url to the tenant's token endpoint`,
    );
  }
  if (response.status === 400 || response.status === 401) {
    // The first line of an Entra error (`AADSTS7000215: Invalid client secret provided. …`).
    const said = oauthErrorText(oauthErrorOf(body));
    throw new SourceError(
      "invalid_credentials",
      `${where} refused the client credentials${said ? `: ${said}` : ` (${response.status})`}`,
    );
  }
  if (!response.ok) {
    const said = oauthErrorText(oauthErrorOf(body));
    throw new SourceError(
      response.status >= 500 || response.status === 429 ? "unreachable" : "bad_response",
      `${where} answered ${response.status}${said ? `: ${said}` : ""}`,
    );
  }
  const { access_token: token, expires_in: expiresIn } = (body ?? {}) as {
    access_token?: unknown;
    expires_in?: unknown;
  };
  if (typeof token !== "string" || token === "")
    throw new SourceError(
      "bad_response",
      `${where} answered without an access_token; is token_url an OAuth 2.0 token endpoint?`,
    );
  const seconds = typeof expiresIn === "number" ? expiresIn : Number(expiresIn);
  const lifetimeMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 3600_000;
  // A short-lived token (under twice the margin) is renewed once half its life is gone.
  return { token, renewAt: Date.now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2) };
}

export function createTokenSource(options: TokenOptions): TokenSource {
  let current: { token: string; renewAt: number } | null = null;
  let pending: Promise<{ token: string; renewAt: number }> | null = null;
  return Object.freeze({
    async get(signal: AbortSignal): Promise<string> {
      if (current && Date.now() < current.renewAt) return current.token;
      if (!pending) {
        pending = requestToken(options, signal).finally(() => {
          pending = null;
        });
      }
      current = await pending;
      return current.token;
    },
    invalidate(token: string): void {
      if (current?.token === token) current = null;
    },
  });
}

/** The application permissions in an access token's `roles` claim (read, not verified: only to name what was granted). */
export function grantedRoles(token: string): string[] | null {
  const payload = token.split(".")[1];
  if (payload === undefined) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return null;
  }
}
