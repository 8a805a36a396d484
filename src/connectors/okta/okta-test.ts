import { checkOf, firstRequestChecks, notChecked, probe } from "../connector-checks.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { apiBase, OKTA_DEFAULTS, type OktaConfig } from "./okta-config.js";
import { createOktaHttp } from "./okta-http.js";

/** A test answers while a person waits: one retry, short waits, whatever the run's settings. */
const TEST_TIMEOUT_MS = 15_000;

const NAMES = {
  reach: { name: "org_url reachable", passed: "the Okta org answered" },
  credential: { name: "API token accepted", passed: "Okta accepted the API token" },
  read: { name: "okta.users.read", passed: "GET /api/v1/users?limit=1 is readable" },
  groups: { name: "okta.groups.read", passed: "GET /api/v1/groups?limit=1 is readable" },
} as const;

/**
 * The `okta api` test action: the token is accepted and the two lists a run reads are readable. A refused
 * check carries Okta's `errorSummary`; no message names the token.
 */
export async function testOktaConnector(config: OktaConfig, signal: AbortSignal | undefined): Promise<readonly ConnectorCheck[]> {
  const http = createOktaHttp({
    baseUrl: apiBase(config.org_url),
    token: config.token,
    timeoutMs: Math.min(config.timeout_ms ?? OKTA_DEFAULTS.timeout_ms, TEST_TIMEOUT_MS),
    retries: 1,
    maxWaitMs: 5_000,
  });
  const runSignal = signal ?? new AbortController().signal;
  const users = await probe(() => http.get({ path: "/api/v1/users", query: { limit: 1 } }, runSignal), signal);
  const first = firstRequestChecks(users, NAMES);
  if (!first.more) return [...first.checks, notChecked(NAMES.groups, first.checks[0]?.ok ? "the token was refused" : "the org was not reached")];
  const groups = await probe(() => http.get({ path: "/api/v1/groups", query: { limit: 1 } }, runSignal), signal);
  return [...first.checks, checkOf(NAMES.groups, groups)];
}
