import { checkOf, firstRequestChecks, notChecked, passed, probe, type ProbeOutcome } from "../connector-checks.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { oktaAuthFor } from "./okta-auth.js";
import { apiBase, OKTA_DEFAULTS, type OktaConfig, type OktaServiceAppConfig } from "./okta-config.js";
import { createOktaHttp, type OktaHttp } from "./okta-http.js";
import { OKTA_SCOPES, OktaTokenRefused } from "./okta-token.js";

/** A test answers while a person waits: one retry, short waits, whatever the run's settings. */
const TEST_TIMEOUT_MS = 15_000;

const NAMES = {
  reach: { name: "org_url reachable", passed: "the Okta org answered" },
  credential: { name: "API token accepted", passed: "Okta accepted the API token" },
  read: { name: "okta.users.read", passed: "GET /api/v1/users?limit=1 is readable" },
  groups: { name: "okta.groups.read", passed: "GET /api/v1/groups?limit=1 is readable" },
} as const;

const APP_NAMES = {
  reach: { name: "token_url reachable", passed: "Okta's token endpoint answered" },
  credential: {
    name: "client assertion accepted",
    passed: "Okta accepted the JWT signed with the service app's private key",
  },
} as const;

/** What each scope lets a run read, the request that proves it. */
const SCOPE_READS = [
  { scope: "okta.users.read", path: "/api/v1/users" },
  { scope: "okta.groups.read", path: "/api/v1/groups" },
] as const;

function httpFor(
  config: OktaConfig,
  scopes?: readonly string[],
): { http: OktaHttp; token: (signal: AbortSignal) => Promise<unknown> } {
  const timeoutMs = Math.min(config.timeout_ms ?? OKTA_DEFAULTS.timeout_ms, TEST_TIMEOUT_MS);
  const { auth, tokens } = oktaAuthFor(config, timeoutMs, scopes);
  const http = createOktaHttp({ baseUrl: apiBase(config.org_url), auth, timeoutMs, retries: 1, maxWaitMs: 5_000 });
  return { http, token: (signal) => (tokens ? tokens.get(signal) : Promise.resolve()) };
}

/** The API-token test: the token is accepted and the two lists a run reads are readable. */
async function testApiToken(
  config: OktaConfig,
  signal: AbortSignal | undefined,
  runSignal: AbortSignal,
): Promise<readonly ConnectorCheck[]> {
  const { http } = httpFor(config);
  const users = await probe(() => http.get({ path: "/api/v1/users", query: { limit: 1 } }, runSignal), signal);
  const first = firstRequestChecks(users, NAMES);
  if (!first.more)
    return [
      ...first.checks,
      notChecked(NAMES.groups, first.checks[0]?.ok ? "the token was refused" : "the org was not reached"),
    ];
  const groups = await probe(() => http.get({ path: "/api/v1/groups", query: { limit: 1 } }, runSignal), signal);
  return [...first.checks, checkOf(NAMES.groups, groups)];
}

/** A scope's check: a token for that scope alone (a refusal names the scope), then the list it lets a run read. */
function scopeCheck(scope: string, token: ProbeOutcome, read: ProbeOutcome | null): ConnectorCheck {
  if (!token.ok) {
    const said = token.error.message;
    return {
      name: scope,
      ok: false,
      message: `${scope} is not granted to the service app (${said}); grant it on the app's Okta API Scopes tab`,
    };
  }
  if (read === null) return passed({ name: scope, passed: `${scope} is granted` });
  return checkOf({ name: scope, passed: `${scope} is granted and the list it reads is readable` }, read);
}

/**
 * The service-app test: the token endpoint answers and takes the client assertion, then each scope
 * is asked for alone (Okta's `invalid_scope` does not say which scope it refused) and the list it
 * lets a run read is read once (a 403 there is the app's admin role).
 */
async function testServiceApp(
  config: OktaServiceAppConfig,
  signal: AbortSignal | undefined,
  runSignal: AbortSignal,
): Promise<readonly ConnectorCheck[]> {
  const all = httpFor(config, OKTA_SCOPES);
  const first = await probe(() => all.token(runSignal), signal);
  const checks: ConnectorCheck[] = [];
  const scopeRefused = !first.ok && first.error instanceof OktaTokenRefused && first.error.error === "invalid_scope";
  if (!first.ok && !scopeRefused) {
    const refused = first.error.reason === "invalid_credentials";
    const because = refused ? "the client assertion was refused" : "the token endpoint was not reached";
    if (refused) checks.push(passed(APP_NAMES.reach), checkOf(APP_NAMES.credential, first));
    else checks.push(checkOf(APP_NAMES.reach, first), notChecked(APP_NAMES.credential, because));
    return [...checks, ...SCOPE_READS.map((s) => notChecked({ name: s.scope, passed: "" }, because))];
  }
  checks.push(passed(APP_NAMES.reach), passed(APP_NAMES.credential));
  for (const { scope, path } of SCOPE_READS) {
    const one = httpFor(config, [scope]);
    const token = await probe(() => one.token(runSignal), signal);
    const read = token.ok ? await probe(() => one.http.get({ path, query: { limit: 1 } }, runSignal), signal) : null;
    checks.push(scopeCheck(scope, token, read));
  }
  return checks;
}

/** The `okta api` test action. A refused check carries what Okta said; no message names a credential. */
export async function testOktaConnector(
  config: OktaConfig,
  signal: AbortSignal | undefined,
): Promise<readonly ConnectorCheck[]> {
  const runSignal = signal ?? new AbortController().signal;
  if (config.token !== undefined) return testApiToken(config, signal, runSignal);
  return testServiceApp(config, signal, runSignal);
}
