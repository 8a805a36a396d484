import { checkOf, firstRequestChecks, notChecked, probe } from "../connector-checks.js";
import type { ConnectorCheck } from "../connector-kind.js";
import { SCIM_PULL_DEFAULTS, type ScimPullConfig } from "./scim-pull-config.js";
import { createScimHttp } from "./scim-http.js";

/** A test answers while a person waits: one retry, short waits, whatever the run's settings. */
const TEST_TIMEOUT_MS = 15_000;

const NAMES = {
  reach: { name: "base_url reachable", passed: "the upstream SCIM server answered" },
  credential: { name: "token accepted", passed: "the upstream accepted the bearer token" },
  read: { name: "Users readable", passed: "GET /Users?count=1 answered" },
  groups: { name: "Groups readable", passed: "GET /Groups?count=1 answered" },
} as const;

/** The `scim pull` test action: the upstream answers, takes the token, and lets it list Users and Groups. */
export async function testScimPullConnector(
  config: ScimPullConfig,
  signal: AbortSignal | undefined,
): Promise<readonly ConnectorCheck[]> {
  const http = createScimHttp({
    baseUrl: config.base_url,
    token: config.token,
    timeoutMs: Math.min(config.timeout_ms ?? SCIM_PULL_DEFAULTS.timeout_ms, TEST_TIMEOUT_MS),
    retries: 1,
    maxRetryWaitMs: 5_000,
  });
  const runSignal = signal ?? new AbortController().signal;
  const users = await probe(() => http.get("/Users", { startIndex: 1, count: 1 }, runSignal), signal);
  const first = firstRequestChecks(users, NAMES);
  if (!first.more)
    return [
      ...first.checks,
      notChecked(NAMES.groups, first.checks[0]?.ok ? "the token was refused" : "the upstream was not reached"),
    ];
  const groups = await probe(() => http.get("/Groups", { startIndex: 1, count: 1 }, runSignal), signal);
  return [...first.checks, checkOf(NAMES.groups, groups)];
}
