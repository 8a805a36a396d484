import type { ConnectorCheck } from "../connector-kind.js";
import { SourceError } from "../source.js";
import { GOOGLE_DEFAULTS, apiBase, type GoogleConfig } from "./google-config.js";
import { createGoogleHttp } from "./google-http.js";
import { DIRECTORY_SCOPES, requestToken, scopeName, TokenRefused } from "./google-token.js";
import { createRequestPacer } from "./request-pacer.js";
import { scopeQuery, tokenEndpointOf } from "./google-source.js";

const CREDENTIALS = "service account and admin_email";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The `test` action: a token for each scope on its own (Google refuses a grant whole when one
 * scope is not delegated, so only one at a time says which), then one user read with it, which
 * shows whether admin_email may read the directory and the Admin SDK API is on.
 */
export async function testGoogleConnector(config: GoogleConfig, signal: AbortSignal): Promise<ConnectorCheck[]> {
  const endpoint = { ...tokenEndpointOf(config), retries: 1, maxWaitMs: 5000 };
  const results: { scope: string; token: string | null; refusal: unknown }[] = [];
  for (const scope of DIRECTORY_SCOPES) {
    try {
      results.push({ scope, token: (await requestToken(endpoint, [scope], signal)).token, refusal: null });
    } catch (error) {
      if (signal.aborted || !(error instanceof SourceError)) throw error;
      results.push({ scope, token: null, refusal: error });
    }
  }
  // unauthorized_client names a scope not delegated; anything else (a bad signature, an unknown admin, no answer) is the credentials'.
  const broken = results.find(
    (r) => r.refusal !== null && !(r.refusal instanceof TokenRefused && r.refusal.error === "unauthorized_client"),
  );
  if (broken) {
    return [
      { name: CREDENTIALS, ok: false, message: `No token was issued: ${messageOf(broken.refusal)}` },
      ...results.map((r) => ({
        name: `scope ${scopeName(r.scope)}`,
        ok: false,
        message: "not checked: the service account was refused",
      })),
    ];
  }
  const checks: ConnectorCheck[] = [
    { name: CREDENTIALS, ok: true, message: `Google accepted the key's signature and admin ${config.admin_email}` },
  ];
  for (const { scope, token, refusal } of results) {
    const name = `scope ${scopeName(scope)}`;
    checks.push(
      token !== null
        ? { name, ok: true, message: "a token was issued for this scope" }
        : {
            name,
            ok: false,
            message: `scope ${scopeName(scope)} not authorized for this client: add it to the client ID's domain-wide delegation in the Admin console (${messageOf(refusal)})`,
          },
    );
  }
  const userToken = results[0]?.token ?? null;
  if (userToken === null) return checks;
  const http = createGoogleHttp({
    baseUrl: apiBase(config.api_url),
    tokens: { current: async () => userToken, rejected: () => undefined },
    pace: createRequestPacer(GOOGLE_DEFAULTS.requests_per_minute),
    timeoutMs: endpoint.timeoutMs,
    retries: 1,
    maxWaitMs: 5000,
  });
  try {
    await http.get("/users", { ...scopeQuery(config), maxResults: 1 }, signal);
    checks.push({ name: "Directory API users.list", ok: true, message: `admin ${config.admin_email} may list users` });
  } catch (error) {
    if (signal.aborted || !(error instanceof SourceError)) throw error;
    checks.push({ name: "Directory API users.list", ok: false, message: error.message });
  }
  return checks;
}
