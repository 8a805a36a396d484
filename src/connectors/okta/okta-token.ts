import type { KeyObject } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { outboundFetch } from "../../outbound/outbound-fetch.js";
import { fetchFailure } from "../fetch-failure.js";
import { CLIENT_ASSERTION_TYPE, clientAssertion } from "../jwt-signing.js";
import { oauthErrorText, readOAuthError } from "../oauth-error.js";
import { SourceError } from "../source.js";
import { createDpopKey, type DpopKey } from "./dpop-proof.js";

/** The scopes a run needs, each granted to the service app on its "Okta API Scopes" tab. */
export const OKTA_SCOPES = Object.freeze(["okta.users.read", "okta.groups.read"]);

export interface OktaTokenOptions {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly privateKey: KeyObject;
  /** The key's id on the app (`kid`): Okta picks the key by it when the app has several. */
  readonly keyId: string | null;
  readonly scopes: readonly string[];
  readonly timeoutMs: number;
}

export interface OktaAccessToken {
  readonly token: string;
  /** `DPoP` when Okta bound the token to the source's DPoP key (the app requires DPoP), else `Bearer`. */
  readonly type: "Bearer" | "DPoP";
  readonly renewAt: number;
}

/** Okta's token endpoint refused: `error` is the OAuth code (`invalid_client`, `invalid_scope`…). */
export class OktaTokenRefused extends SourceError {
  constructor(
    readonly error: string,
    message: string,
    status: number,
  ) {
    super("invalid_credentials", message, { status });
    this.name = "OktaTokenRefused";
  }
}

/** Access tokens for one service app and scope set, renewed before they expire or when Okta stops taking one. */
export interface OktaTokens {
  get(signal: AbortSignal): Promise<OktaAccessToken>;
  /** Okta refused `token` (expired, revoked): the next `get` asks for a new one. */
  invalidate(token: string): void;
  /** The DPoP key, once Okta asked for DPoP; null while tokens are Bearer tokens. */
  dpop(): DpopKey | null;
}

/** Renew this long before Okta's end (Okta's tokens last an hour), so no request leaves with a token about to expire. */
const RENEW_BEFORE_MS = 60_000;
/** Token requests per token: one without DPoP (learning it is required), one for a nonce, one spare for a nonce rotated meanwhile, two for 429/5xx. */
const MAX_ATTEMPTS = 5;

/**
 * The client-credentials grant with a private-key JWT (Okta's "OAuth 2.0 for Okta with a service
 * app"). DPoP (RFC 9449) is used once Okta says the app requires it (`invalid_dpop_proof` to a
 * request without a proof, as new service apps do by default), with the nonce Okta hands out
 * (`use_dpop_nonce`, `DPoP-Nonce`). No message ever holds the key or a token.
 */
export function createOktaTokens(options: OktaTokenOptions): OktaTokens {
  const where = `POST ${new URL(options.tokenUrl).origin}${new URL(options.tokenUrl).pathname}`;
  let dpop: DpopKey | null = null;
  let nonce: string | null = null;
  let held: OktaAccessToken | null = null;
  let pending: Promise<OktaAccessToken> | null = null;

  async function post(signal: AbortSignal): Promise<Response> {
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      scope: options.scopes.join(" "),
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: clientAssertion(
        {
          alg: "RS256",
          key: options.privateKey,
          header: options.keyId ? { kid: options.keyId } : {},
          clientId: options.clientId,
          audience: options.tokenUrl,
        },
        Date.now(),
      ),
    });
    const headers: Record<string, string> = {
      accept: "application/json",
      "content-type": "application/x-www-form-urlencoded",
    };
    if (dpop) headers.dpop = dpop.proof("POST", options.tokenUrl, { nonce });
    try {
      return await outboundFetch(options.tokenUrl, {
        method: "POST",
        body: form,
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
        redirect: "manual",
      });
    } catch (error) {
      throw fetchFailure(error, where, signal, options.timeoutMs);
    }
  }

  async function request(signal: AbortSignal): Promise<OktaAccessToken> {
    for (let attempt = 1; ; attempt++) {
      const response = await post(signal);
      const last = attempt >= MAX_ATTEMPTS;
      if ((response.status === 429 || response.status >= 500) && !last) {
        await response.body?.cancel().catch(() => undefined);
        await sleep(Math.min(5000, 500 * 2 ** attempt), undefined, { signal });
        continue;
      }
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel().catch(() => undefined);
        throw new SourceError(
          "misconfigured",
          `${where} answered ${response.status}, a redirect; set token_url to the org's token endpoint ({org_url}/oauth2/v1/token)`,
        );
      }
      if (!response.ok) {
        const given = response.headers.get("dpop-nonce");
        const refusal = await readOAuthError(response);
        const { error } = refusal;
        if (error === "invalid_dpop_proof" && dpop === null && !last) {
          dpop = createDpopKey();
          continue;
        }
        if (error === "use_dpop_nonce" && dpop !== null && given && !last) {
          nonce = given;
          continue;
        }
        const said = error ? `: ${oauthErrorText(refusal)}` : "";
        if (response.status === 400 || response.status === 401)
          throw new OktaTokenRefused(error, `${where} answered ${response.status}${said}`, response.status);
        throw new SourceError(
          response.status >= 500 || response.status === 429 ? "unreachable" : "bad_response",
          `${where} answered ${response.status}${said}`,
          { status: response.status },
        );
      }
      // A nonce comes with successful answers too: the next proof carries the latest.
      nonce = response.headers.get("dpop-nonce") ?? nonce;
      const body = (await response.json().catch(() => null)) as {
        access_token?: unknown;
        token_type?: unknown;
        expires_in?: unknown;
      } | null;
      if (typeof body?.access_token !== "string" || body.access_token === "")
        throw new SourceError(
          "bad_response",
          `${where} answered without an access_token; is token_url Okta's token endpoint?`,
        );
      const type = typeof body.token_type === "string" && body.token_type.toLowerCase() === "dpop" ? "DPoP" : "Bearer";
      if (type === "DPoP" && dpop === null)
        throw new SourceError("bad_response", `${where} issued a DPoP-bound token to a request without a DPoP proof`);
      const seconds = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600;
      const lifetimeMs = seconds * 1000;
      return {
        token: body.access_token,
        type,
        renewAt: Date.now() + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2),
      };
    }
  }

  return Object.freeze({
    async get(signal: AbortSignal): Promise<OktaAccessToken> {
      if (held && Date.now() < held.renewAt) return held;
      if (!pending) {
        // One request for every caller waiting: they belong to one run and are cancelled together.
        pending = request(signal).finally(() => {
          pending = null;
        });
        pending.then((got) => (held = got)).catch(() => undefined);
      }
      return pending;
    },
    invalidate(token: string): void {
      if (held?.token === token) held = null;
    },
    dpop: () => dpop,
  });
}
