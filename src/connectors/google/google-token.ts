import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { oauthErrorText, readOAuthError } from "../oauth-error.js";
import { SourceError } from "../source.js";
import { abortable, backoffMs, retryAfterMs } from "./backoff.js";
import { jwtAssertion } from "./jwt-assertion.js";
import type { ServiceAccountKey } from "./service-account-key.js";

const SCOPE_BASE = "https://www.googleapis.com/auth/";
/** The read-only scopes a run needs, each granted to the service account's client ID under domain-wide delegation. */
export const DIRECTORY_SCOPES = Object.freeze([
  `${SCOPE_BASE}admin.directory.user.readonly`,
  `${SCOPE_BASE}admin.directory.group.readonly`,
  `${SCOPE_BASE}admin.directory.group.member.readonly`,
]);

/** A scope's short name, as the Admin console's domain-wide delegation page and people say it. */
export function scopeName(scope: string): string {
  return scope.startsWith(SCOPE_BASE) ? scope.slice(SCOPE_BASE.length) : scope;
}

/** Refresh this long before the token's end, so a request never leaves with a token about to expire. */
const REFRESH_MARGIN_MS = 60_000;
/** OAuth errors that mean the key, the admin or the delegation is wrong (RFC 6749 §5.2), not a passing failure. */
const REFUSALS = new Set(["invalid_grant", "unauthorized_client", "invalid_client", "access_denied", "invalid_scope"]);

export interface TokenEndpoint {
  readonly url: string;
  readonly key: ServiceAccountKey;
  /** The admin the service account acts as. */
  readonly subject: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly maxWaitMs: number;
}

/** The token endpoint refused the grant: `error` is OAuth's code (`unauthorized_client`…). */
export class TokenRefused extends SourceError {
  constructor(
    readonly error: string,
    message: string,
  ) {
    super("invalid_credentials", message);
    this.name = "TokenRefused";
  }
}

/** One token for `scopes` by the JWT bearer grant; every failure a `SourceError` that never names the key. */
export async function requestToken(
  endpoint: TokenEndpoint,
  scopes: readonly string[],
  signal: AbortSignal,
): Promise<{ token: string; expiresAt: number }> {
  const where = `POST ${endpoint.url}`;
  for (let attempt = 0; ; attempt++) {
    const assertion = jwtAssertion(
      endpoint.key,
      { subject: endpoint.subject, scopes, audience: endpoint.url },
      Date.now(),
    );
    const body = new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion });
    let response: Response;
    try {
      response = await outboundFetch(endpoint.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(endpoint.timeoutMs)]),
        redirect: "manual",
      });
    } catch (error) {
      throw fetchFailure(error, where, signal, endpoint.timeoutMs);
    }
    if ((response.status === 429 || response.status >= 500) && attempt < endpoint.retries) {
      await response.body?.cancel().catch(() => undefined);
      await abortable(backoffMs(attempt, retryAfterMs(response.headers), endpoint.maxWaitMs), signal);
      continue;
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      throw new SourceError(
        "misconfigured",
        `${where} answered ${response.status}, a redirect; set token_url to the token endpoint itself`,
      );
    }
    if (!response.ok) {
      const refusal = await readOAuthError(response);
      const { error } = refusal;
      const said = error ? `: ${oauthErrorText(refusal)}` : "";
      if (REFUSALS.has(error) || response.status === 401)
        throw new TokenRefused(error, `${where} answered ${response.status}${said}`);
      throw new SourceError(
        response.status >= 500 || response.status === 429 ? "unreachable" : "bad_response",
        `${where} answered ${response.status}${said}`,
      );
    }
    const answer = (await response.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
    if (typeof answer?.access_token !== "string" || answer.access_token === "")
      throw new SourceError("bad_response", `${where} answered without an access_token`);
    const expiresIn = typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 3600;
    return { token: answer.access_token, expiresAt: Date.now() + expiresIn * 1000 };
  }
}

/** The access token a run's requests carry: obtained once, shared, renewed before it expires or when Google stops taking it. */
export interface AccessTokens {
  current(signal: AbortSignal): Promise<string>;
  /** Google answered 401 to `token`: the next `current` gets a new one (once, however many requests saw the 401). */
  rejected(token: string): void;
}

export function createAccessTokens(endpoint: TokenEndpoint, scopes: readonly string[]): AccessTokens {
  let held: { token: string; expiresAt: number } | null = null;
  let pending: Promise<{ token: string; expiresAt: number }> | null = null;
  return Object.freeze({
    async current(signal: AbortSignal): Promise<string> {
      if (held && Date.now() < held.expiresAt - REFRESH_MARGIN_MS) return held.token;
      if (!pending) {
        // One request for all the callers waiting; they belong to one run and are cancelled together.
        pending = requestToken(endpoint, scopes, signal).finally(() => {
          pending = null;
        });
        pending.then((got) => (held = got)).catch(() => undefined);
      }
      return (await pending).token;
    },
    rejected(token: string): void {
      if (held?.token === token) held = null;
    },
  });
}
