import { readRsaPrivateKey } from "../private-key.js";
import { SourceError } from "../source.js";
import { type OktaConfig, oktaTokenUrl } from "./okta-config.js";
import { createOktaTokens, OKTA_SCOPES, type OktaTokens } from "./okta-token.js";

/** How requests to Okta's Management API prove who sends them: an SSWS API token, or a service app's OAuth 2.0 tokens. */
export interface OktaAuth {
  /** "the API token", "the service app's access token": for messages. */
  readonly credential: string;
  /** What a 403 most likely means, for its message. */
  readonly forbidden: string;
  /** The headers of one request, and the token they carry (to tell Okta's refusal of it apart). */
  authorize(
    method: string,
    url: URL,
    signal: AbortSignal,
  ): Promise<{ readonly headers: Record<string, string>; readonly token: string }>;
  /** Okta answered 401 to a request carrying `token`: whether one more attempt may succeed (a new token, or a DPoP nonce). */
  refused(token: string, response: Response): boolean;
}

export function apiTokenAuth(token: string): OktaAuth {
  const headers = { authorization: `SSWS ${token}` };
  return Object.freeze({
    credential: "the API token",
    forbidden: "the token's admin may not read users and groups",
    authorize: async () => ({ headers, token }),
    refused: () => false,
  });
}

/** RFC 9449 §9: a resource server asks for a nonce with `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce`. */
function askedForNonce(response: Response): string | null {
  const challenge = response.headers.get("www-authenticate") ?? "";
  return /^\s*dpop\b/i.test(challenge) && /error\s*=\s*"?use_dpop_nonce/i.test(challenge)
    ? response.headers.get("dpop-nonce")
    : null;
}

export function serviceAppAuth(tokens: OktaTokens): OktaAuth {
  let nonce: string | null = null;
  return Object.freeze({
    credential: "the service app's access token",
    forbidden:
      "the service app lacks a scope (okta.users.read, okta.groups.read) or an admin role that may read users and groups",
    async authorize(
      method: string,
      url: URL,
      signal: AbortSignal,
    ): Promise<{ headers: Record<string, string>; token: string }> {
      const { token, type } = await tokens.get(signal);
      const key = tokens.dpop();
      if (type === "DPoP" && key !== null) {
        return {
          token,
          headers: { authorization: `DPoP ${token}`, dpop: key.proof(method, url, { accessToken: token, nonce }) },
        };
      }
      return { token, headers: { authorization: `Bearer ${token}` } };
    },
    refused(token: string, response: Response): boolean {
      const given = askedForNonce(response);
      if (given !== null && given !== nonce) {
        nonce = given;
        return true;
      }
      // Expired or revoked mid-run: one new token.
      tokens.invalidate(token);
      return true;
    },
  });
}

/** The auth a config names; `scopes` for the test action, which asks for one scope at a time. */
export function oktaAuthFor(
  config: OktaConfig,
  timeoutMs: number,
  scopes: readonly string[] = OKTA_SCOPES,
): { readonly auth: OktaAuth; readonly tokens: OktaTokens | null } {
  if (config.token !== undefined) return { auth: apiTokenAuth(config.token), tokens: null };
  const key = readRsaPrivateKey(config.private_key);
  if (!key.ok) throw new SourceError("misconfigured", `connector.private_key ${key.message}`);
  const tokens = createOktaTokens({
    tokenUrl: oktaTokenUrl(config),
    clientId: config.client_id,
    privateKey: key.key,
    keyId: config.key_id ?? key.keyId,
    scopes,
    timeoutMs,
  });
  return { auth: serviceAppAuth(tokens), tokens };
}
